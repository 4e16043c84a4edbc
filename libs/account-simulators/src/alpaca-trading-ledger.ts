import { randomUUID } from 'node:crypto';
import { activitySide, applyFill } from './alpaca-trading-positions';
import {
  ORDER_TYPES, TIMES_IN_FORCE, activityId, decimal, orderJson, stamp,
  type FillRecord, type OrderRecord, type OrderSide, type OrderStatus, type OrderType, type PositionRecord, type TimeInForce, type TradeEvent, type TradeUpdate,
} from './alpaca-trading-wire';

// The paper account behind the simulator: orders, executions and positions. It changes only through
// the "market" methods below (submit, fill, cancel, replace, expire, reject, doneForDay), and every
// change is reported as the trade_updates event Alpaca sends for it ("Websocket Streaming",
// trade_updates): cancel is pending_cancel then canceled; replace is pending_replace and replaced on
// the old order, then new on the order that replaces it (PATCH /v2/orders/{id}: "a new order id").
// Time is a simulated clock the test moves (advance); every event takes a stamp strictly after the
// previous one. No I/O: the simulator puts it behind REST and the stream.

/** A refused change: the HTTP status and Alpaca error code REST answers with. */
export class TradingRuleError extends Error {
  constructor(readonly status: 404 | 422, readonly code: number, message: string) {
    super(message);
  }
}

export interface SubmitRequest {
  symbol: string;
  side: OrderSide;
  qty: number;
  /** Default market. */
  type?: OrderType;
  /** Required for limit orders, refused on market orders. */
  limitPrice?: number;
  /** Default a random UUID, as Alpaca generates one; must be unique. */
  clientOrderId?: string;
  /** Default day. */
  timeInForce?: TimeInForce;
  extendedHours?: boolean;
}

export interface ReplaceRequest {
  /** Default the old order's unfilled qty. */
  qty?: number;
  limitPrice?: number;
  timeInForce?: TimeInForce;
  clientOrderId?: string;
}

export interface LedgerOptions {
  /** The clock at the start, UTC micros. */
  startUs: number;
  /** Cash at the start. */
  cash: number;
  /** Least time between two events' stamps, micros. Default 1000: the official client parses times to the millisecond. */
  minEventGapUs?: number;
}

const FILLABLE: readonly OrderStatus[] = ['new', 'partially_filled', 'done_for_day'];
// PATCH /v2/orders/{id}: "Order cannot be replaced when the status is accepted, pending_new, pending_cancel or pending_replace."
const REPLACEABLE: readonly OrderStatus[] = ['new', 'partially_filled'];
const EPSILON = 1e-9;
const invalid = (message: string) => new TradingRuleError(422, 40010001, message);

type OrderTerms = Pick<OrderRecord, 'symbol' | 'side' | 'type' | 'timeInForce' | 'qty' | 'limitPrice' | 'clientOrderId' | 'extendedHours'>;

export class AlpacaTradingLedger {
  /** Cash: the start, less what buys cost, plus what sells brought. */
  cash: number;
  private readonly orders = new Map<string, OrderRecord>();
  private readonly fills: FillRecord[] = [];
  private readonly positions = new Map<string, PositionRecord>();
  private readonly gapUs: number;
  private clockUs: number;
  private lastUs: number;
  private seq = 0;

  constructor(options: LedgerOptions, private readonly emit: (update: TradeUpdate) => void) {
    this.cash = options.cash;
    this.gapUs = options.minEventGapUs ?? 1000;
    this.clockUs = options.startUs;
    this.lastUs = options.startUs - this.gapUs;
  }

  /** The simulated clock, UTC micros. */
  get nowUs(): number {
    return this.clockUs;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance(${ms}): the clock only moves forward`);
    this.clockUs += Math.round(ms * 1000);
  }

  submit(request: SubmitRequest): OrderRecord {
    return this.open(this.terms(request), null);
  }

  /** One execution of `qty` at `price`: partial_fill, or fill when it completes the order. */
  fill(orderId: string, qty: number, price: number): FillRecord {
    const o = this.require(orderId, FILLABLE);
    const leaves = o.qty - o.filledQty;
    if (!(qty > 0) || qty > leaves + EPSILON) throw new RangeError(`fill of ${qty}: must be > 0 and at most the ${decimal(leaves)} left`);
    if (!(price > 0)) throw new RangeError(`fill at ${price}: the price must be > 0`);
    if (o.limitPrice !== null && (o.side === 'buy' ? price > o.limitPrice : price < o.limitPrice)) {
      throw new RangeError(`a ${o.side} limit at ${o.limitPrice} cannot fill at ${price}`);
    }
    const full = qty >= leaves - EPSILON;
    const signed = o.side === 'buy' ? qty : -qty;
    const before = this.positions.get(o.symbol);
    const after = applyFill(o.symbol, before, signed, price);
    const t = this.tick();
    Object.assign(o, { filledQty: full ? o.qty : o.filledQty + qty, status: full ? 'filled' : 'partially_filled', updatedAt: t });
    o.filledNotional += qty * price;
    if (full) o.filledAt = t;
    if (after) this.positions.set(o.symbol, after);
    else this.positions.delete(o.symbol);
    this.cash -= signed * price;
    const executionId = randomUUID();
    const fill: FillRecord = {
      seq: ++this.seq, id: activityId(t, executionId), executionId, orderId: o.id, symbol: o.symbol, side: activitySide(before?.qty ?? 0, o.side),
      qty, price, at: t, type: full ? 'fill' : 'partial_fill', cumQty: o.filledQty, leavesQty: o.qty - o.filledQty, orderStatus: o.status,
    };
    this.fills.push(fill);
    const execution = { execution_id: executionId, price: decimal(price), qty: decimal(qty), position_qty: decimal(after?.qty ?? 0) };
    this.report(fill.type, o, t, execution);
    return fill;
  }

  cancel(orderId: string): OrderRecord {
    const o = this.require(orderId, FILLABLE);
    this.change(o, 'pending_cancel', 'pending_cancel');
    return this.change(o, 'canceled', 'canceled', (t) => (o.canceledAt = t));
  }

  /** Replaces an order with a new one (a new id, `replaces` naming the old); returns the new order. */
  replace(orderId: string, changes: ReplaceRequest): OrderRecord {
    const old = this.require(orderId, REPLACEABLE);
    const terms = this.terms({
      symbol: old.symbol, side: old.side, type: old.type, extendedHours: old.extendedHours, clientOrderId: changes.clientOrderId,
      timeInForce: changes.timeInForce ?? old.timeInForce, qty: changes.qty ?? old.qty - old.filledQty, limitPrice: changes.limitPrice ?? old.limitPrice ?? undefined,
    });
    const id = randomUUID();
    this.change(old, 'pending_replace', 'pending_replace');
    this.change(old, 'replaced', 'replaced', (t) => Object.assign(old, { replacedAt: t, replacedBy: id }));
    return this.open(terms, old.id, id);
  }

  expire(orderId: string): OrderRecord {
    const o = this.require(orderId, FILLABLE);
    return this.change(o, 'expired', 'expired', (t) => (o.expiredAt = t));
  }

  /** Only an order nothing was filled of can be rejected. */
  reject(orderId: string): OrderRecord {
    const o = this.require(orderId, ['new']);
    if (o.filledQty > 0) throw new TradingRuleError(422, 42210000, 'an order with fills cannot be rejected');
    return this.change(o, 'rejected', 'rejected', (t) => (o.failedAt = t));
  }

  doneForDay(orderId: string): OrderRecord {
    return this.change(this.require(orderId, REPLACEABLE), 'done_for_day', 'done_for_day');
  }

  /** Values the open position of `symbol` at `price` (current_price) until the next fill or mark. */
  mark(symbol: string, price: number): void {
    const position = this.positions.get(symbol);
    if (position) position.currentPrice = price;
  }

  order(id: string): OrderRecord | undefined {
    return this.orders.get(id);
  }

  byClientOrderId(clientOrderId: string): OrderRecord | undefined {
    return this.orderList().find((o) => o.clientOrderId === clientOrderId);
  }

  /** Every order, in submission order. */
  orderList(): OrderRecord[] {
    return [...this.orders.values()];
  }

  /** Every execution, in time order. */
  fillList(): readonly FillRecord[] {
    return this.fills;
  }

  /** Open positions, by symbol. */
  positionList(): PositionRecord[] {
    return [...this.positions.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  position(symbol: string): PositionRecord | undefined {
    return this.positions.get(symbol);
  }

  private terms(request: SubmitRequest): OrderTerms {
    const symbol = String(request.symbol ?? '').toUpperCase();
    const type = request.type ?? 'market';
    const timeInForce = request.timeInForce ?? 'day';
    const clientOrderId = request.clientOrderId ?? randomUUID();
    const limitPrice = request.limitPrice ?? null;
    if (!/^[A-Z][A-Z0-9.]{0,15}$/.test(symbol)) throw invalid(`invalid symbol: ${request.symbol}`);
    if (request.side !== 'buy' && request.side !== 'sell') throw invalid(`invalid side: ${request.side}`);
    if (!ORDER_TYPES.includes(type)) throw invalid(`unsupported order type: ${type}`);
    if (!TIMES_IN_FORCE.includes(timeInForce)) throw invalid(`invalid time_in_force: ${timeInForce}`);
    if (!(Number.isFinite(request.qty) && request.qty > 0)) throw invalid('qty must be > 0');
    if (type === 'limit' && !(limitPrice !== null && limitPrice > 0)) throw invalid('limit_price is required for limit orders');
    if (type === 'market' && limitPrice !== null) throw invalid('limit_price must not be given for market orders');
    if (clientOrderId.length > 128) throw invalid('client_order_id must be no more than 128 characters');
    if (this.byClientOrderId(clientOrderId)) throw invalid('client_order_id must be unique');
    return { symbol, side: request.side, type, timeInForce, qty: request.qty, limitPrice, clientOrderId, extendedHours: request.extendedHours ?? false };
  }

  private open(terms: OrderTerms, replaces: string | null, id: string = randomUUID()): OrderRecord {
    const t = this.tick();
    const times = { createdAt: t, updatedAt: t, submittedAt: t, filledAt: null, canceledAt: null, expiredAt: null, failedAt: null, replacedAt: null };
    const order: OrderRecord = { seq: ++this.seq, id, ...terms, status: 'new', filledQty: 0, filledNotional: 0, ...times, replacedBy: null, replaces };
    this.orders.set(id, order);
    this.report('new', order, t);
    return order;
  }

  private require(orderId: string, allowed: readonly OrderStatus[]): OrderRecord {
    const o = this.orders.get(orderId);
    if (!o) throw new TradingRuleError(404, 40410000, 'order not found');
    // Alpaca's answer to cancelling a filled order: 422 {"code":42210000,"message":"order is already in \"filled\" state"}.
    if (!allowed.includes(o.status)) throw new TradingRuleError(422, 42210000, `order is already in "${o.status}" state`);
    return o;
  }

  private change(o: OrderRecord, status: OrderStatus, event: TradeEvent, also?: (t: number) => void): OrderRecord {
    const t = this.tick();
    o.status = status;
    o.updatedAt = t;
    also?.(t);
    this.report(event, o, t);
    return o;
  }

  private report(event: TradeEvent, o: OrderRecord, t: number, execution: Partial<TradeUpdate> = {}): void {
    this.emit({ event, ...execution, order: orderJson(o), timestamp: stamp(t) });
  }

  /** The stamp of the next event: the clock, or just after the last stamp when the clock has not moved past it. */
  private tick(): number {
    this.lastUs = Math.max(this.clockUs, this.lastUs + this.gapUs);
    this.clockUs = this.lastUs;
    return this.lastUs;
  }
}
