import { z } from 'zod';
import { type ExecutionRecord, InvalidRecordError, type OrderEventRecord, type OrderSide } from '@md/contracts';
import { compareDecimal, fromScaled, toScaled } from '@md/market';
import type { EtradeRejection } from './etrade';
import { type EtradeAccountScope, EtradeProduct, etradeAlias, etradeEach, etradeEpochMs, etradeList } from './etrade-accounts';
import { jsonAverage, jsonPrice } from './polygon';
import { parseEnvelope, parseItem } from './zod-reason';

// E*TRADE Order API v1 "List Orders" (apisb.etrade.com/docs/api/order/api-order-v1.html):
// GET /v1/accounts/{accountIdKey}/orders answers OrdersResponse { marker (while more pages remain),
// Order[] { orderId, OrderDetail[] { placedTime, executedTime, status, orderTerm, priceType,
// limitPrice, stopPrice, Instrument[] { Product, orderAction, orderedQuantity, filledQuantity,
// averageExecutionPrice } }, Events.Event[] { name, dateTime } } }, times in epoch milliseconds.
// Each order is read as a state over REST (event "snapshot"):
//   status        OPEN new (partially_filled once something filled), PARTIAL and INDIVIDUAL_FILLS
//                 partially_filled, EXECUTED filled, CANCELLED canceled, CANCEL_REQUESTED
//                 pending_cancel, EXPIRED expired, REJECTED rejected: the words Alpaca's orders use,
//                 so one vocabulary spans brokers; any other status is rejected with its name
//   side          BUY and BUY_TO_COVER buy, SELL and SELL_SHORT sell
//   eventTime,    the latest time the order carries: the later of placedTime, executedTime and its
//   revision      events' dateTime, in micros. E*TRADE numbers no order events; an order's times only
//                 grow, so a later state has a higher revision (a change within the same
//                 millisecond, or one that leaves no time, does not: the poller handles that)
//   clientOrderId null: E*TRADE's List Orders does not return it
// An order with filled shares gives an execution per newly seen cumulative quantity: id
// `<orderId>@<filledQuantity>` (md.executions.v1). List Orders has no per-fill price, only the
// running averageExecutionPrice, so the first fill seen is priced at that average and a later one
// at what the two averages imply, (cum2 x avg2 - cum1 x avg1) / (cum2 - cum1), rounded half up to
// 8 decimals. Multi-leg and grouped orders (several Instruments or OrderDetails) and non-equities
// are rejected with the reason: md.orders.v1 holds one equity per order.

/** What was last seen filled of an order: the cumulative quantity and its average price. */
export interface EtradeFill {
  quantity: string;
  averagePrice: string;
}

export interface EtradeOrdersScope extends EtradeAccountScope {
  /** The order's fill as last published (by orderId), so only the increment becomes an execution. */
  previousFill?: (orderId: string) => EtradeFill | undefined;
}

export interface EtradeOrdersPage {
  orders: OrderEventRecord[];
  executions: ExecutionRecord[];
  rejected: EtradeRejection[];
  /** placedTime by orderId, UTC epoch micros: how far back the next listing must reach while the order is open. */
  placedTimes: Record<string, number>;
  /** The marker for the next page, null on the last one. */
  marker: string | null;
}

const STATUS: Readonly<Record<string, string>> = {
  OPEN: 'new', PARTIAL: 'partially_filled', INDIVIDUAL_FILLS: 'partially_filled', EXECUTED: 'filled', CANCELLED: 'canceled',
  CANCEL_REQUESTED: 'pending_cancel', EXPIRED: 'expired', REJECTED: 'rejected',
};
const SIDE: Readonly<Record<string, OrderSide>> = { BUY: 'BUY', BUY_TO_COVER: 'BUY', SELL: 'SELL', SELL_SHORT: 'SELL' };
const ORDER_TYPE: Readonly<Record<string, string>> = {
  MARKET: 'market', LIMIT: 'limit', STOP: 'stop', STOP_LIMIT: 'stop_limit', TRAILING_STOP_CNST: 'trailing_stop', TRAILING_STOP_PRCT: 'trailing_stop',
};
const TIME_IN_FORCE: Readonly<Record<string, string>> = { GOOD_FOR_DAY: 'day', GOOD_UNTIL_CANCEL: 'gtc', IMMEDIATE_OR_CANCEL: 'ioc', FILL_OR_KILL: 'fok' };

const num = z.number().finite();
export const EtradeOrdersResponse = z.object({ OrdersResponse: z.object({ marker: z.string().optional(), Order: etradeList(z.unknown()).optional() }) });
const Order = z.object({
  orderId: z.number().int().positive(),
  OrderDetail: etradeList(z.unknown()),
  Events: z.object({ Event: etradeList(z.object({ dateTime: etradeEpochMs.optional() })).optional() }).optional(),
});
const OrderDetail = z.object({
  placedTime: etradeEpochMs.optional(), executedTime: etradeEpochMs.optional(), status: z.string().min(1), orderTerm: z.string().optional(),
  priceType: z.string().min(1), limitPrice: num.nonnegative().optional(), stopPrice: num.nonnegative().optional(),
  replacesOrderId: z.number().int().nonnegative().optional(), Instrument: etradeList(z.unknown()),
});
const Instrument = z.object({
  Product: EtradeProduct, orderAction: z.string().min(1), orderedQuantity: num.positive(),
  filledQuantity: num.nonnegative().optional(), averageExecutionPrice: num.nonnegative().optional(),
});

const lower = (word: string | undefined, table: Readonly<Record<string, string>>) => (word ? table[word] ?? word.toLowerCase() : null);

/** The order's one detail and one instrument, or the reason it has no single-instrument form. */
function parseOrder(item: unknown) {
  const o = parseItem(Order, item);
  if (o.OrderDetail.length !== 1) throw new InvalidRecordError(`${o.OrderDetail.length} OrderDetails (a grouped order): md.orders.v1 holds one order each`);
  const d = parseItem(OrderDetail, o.OrderDetail[0]);
  if (d.Instrument.length !== 1) throw new InvalidRecordError(`${d.Instrument.length} Instruments (a multi-leg order): md.orders.v1 holds one instrument each`);
  const ins = parseItem(Instrument, d.Instrument[0]);
  if (ins.Product.securityType !== 'EQ') throw new InvalidRecordError(`securityType ${ins.Product.securityType}: only equities (EQ) are mapped to md.orders.v1`);
  const side = SIDE[ins.orderAction];
  if (!side) throw new InvalidRecordError(`orderAction ${ins.orderAction} is not BUY, SELL, BUY_TO_COVER or SELL_SHORT`);
  if (!STATUS[d.status]) throw new InvalidRecordError(`status ${d.status} has no md.orders.v1 status`);
  const times = [d.placedTime, d.executedTime, ...(o.Events?.Event ?? []).map((e) => e.dateTime)].filter((t): t is number => !!t);
  if (times.length === 0) throw new InvalidRecordError('no placedTime, executedTime or event time');
  return { o, d, ins, side, latestMs: Math.max(...times) };
}

function orderRecord(p: ReturnType<typeof parseOrder>, alias: string, scope: EtradeAccountScope): OrderEventRecord {
  const { o, d, ins, side } = p;
  const filled = jsonPrice('filledQuantity', ins.filledQuantity ?? 0);
  const someFilled = (ins.filledQuantity ?? 0) > 0;
  const time = p.latestMs * 1000;
  return {
    broker: scope.broker ?? 'etrade', accountAlias: alias, orderId: String(o.orderId), clientOrderId: null, symbol: ins.Product.symbol, side,
    orderType: lower(d.priceType, ORDER_TYPE)!, timeInForce: lower(d.orderTerm, TIME_IN_FORCE),
    quantity: jsonPrice('orderedQuantity', ins.orderedQuantity), filledQuantity: filled,
    limitPrice: d.priceType.includes('LIMIT') && d.limitPrice ? jsonPrice('limitPrice', d.limitPrice) : null,
    stopPrice: d.priceType.includes('STOP') && d.stopPrice ? jsonPrice('stopPrice', d.stopPrice) : null,
    averageFillPrice: someFilled && ins.averageExecutionPrice ? jsonAverage('averageExecutionPrice', ins.averageExecutionPrice) : null,
    status: d.status === 'OPEN' && someFilled ? 'partially_filled' : STATUS[d.status], event: 'snapshot',
    replacesOrderId: d.replacesOrderId ? String(d.replacesOrderId) : null, eventTime: time, revision: time, ingestTime: scope.ingestTime,
  };
}

/** (n2 - n1) / (q2 - q1) at scale 8, rounded half up, from notionals at scale 16. */
function incrementPrice(previous: EtradeFill, quantity: string, average: string): string {
  const dq = toScaled(quantity) - toScaled(previous.quantity);
  const notional = toScaled(quantity) * toScaled(average) - toScaled(previous.quantity) * toScaled(previous.averagePrice);
  const price = notional <= 0n ? 0n : (notional * 2n + dq) / (2n * dq);
  if (price <= 0n) throw new InvalidRecordError(`fill of ${fromScaled(dq)}: the averages ${previous.averagePrice} over ${previous.quantity} and ${average} over ${quantity} imply no positive price`);
  return fromScaled(price);
}

/** The fill newly seen on this order, or null when nothing more has filled since `previous`. */
export function etradeExecution(order: OrderEventRecord, executedTime: number, previous?: EtradeFill): ExecutionRecord | null {
  const cumulative = order.filledQuantity;
  if (compareDecimal(cumulative, '0') <= 0 || (previous && compareDecimal(cumulative, previous.quantity) <= 0)) return null;
  if (!order.averageFillPrice) throw new InvalidRecordError(`${cumulative} filled but no averageExecutionPrice`);
  const prior = previous && compareDecimal(previous.quantity, '0') > 0 ? previous : undefined;
  return {
    broker: order.broker, accountAlias: order.accountAlias, executionId: `${order.orderId}@${cumulative}`, brokerExecutionId: null, orderId: order.orderId,
    symbol: order.symbol, side: order.side, price: prior ? incrementPrice(prior, cumulative, order.averageFillPrice) : order.averageFillPrice,
    quantity: prior ? fromScaled(toScaled(cumulative) - toScaled(prior.quantity)) : cumulative, cumulativeQuantity: cumulative,
    executionTime: executedTime, ingestTime: order.ingestTime,
  };
}

/**
 * One page of List Orders to order states and the fills newly seen on them; `body` null for an
 * answer without content. An order that cannot be mapped, or whose fill cannot be, is rejected
 * with the reason (its order state is still published when only the fill fails).
 */
export function mapEtradeOrders(body: unknown, scope: EtradeOrdersScope): EtradeOrdersPage {
  const alias = etradeAlias(scope);
  const out: EtradeOrdersPage = { orders: [], executions: [], rejected: [], placedTimes: {}, marker: null };
  if (body === null) return out;
  const page = parseEnvelope(EtradeOrdersResponse, body, 'order list').OrdersResponse;
  out.rejected = etradeEach(page.Order ?? [], (i) => `Order[${i}]`, scope.accountIdKey, (item) => {
    const parsed = parseOrder(item);
    const order = orderRecord(parsed, alias, scope);
    out.orders.push(order);
    out.placedTimes[order.orderId] = (parsed.d.placedTime || parsed.latestMs) * 1000;
    try {
      const execution = etradeExecution(order, (parsed.d.executedTime || parsed.latestMs) * 1000, scope.previousFill?.(order.orderId));
      if (execution) out.executions.push(execution);
    } catch (err) {
      throw new InvalidRecordError(`order state published, its fill not: ${(err as Error).message}`);
    }
  });
  out.marker = page.marker || null;
  return out;
}
