import { createHash } from 'node:crypto';
import { rfc3339 } from '@md/simulators';

// Trading API objects as Alpaca serialises them (docs.alpaca.markets "Orders", "Positions", "Account
// Activities", "Websocket Streaming"): snake_case keys, quantities and prices as decimal strings, times
// RFC-3339 with nanoseconds ("2022-10-14T15:28:33.474853941Z"), null where a field does not apply.
// The ledger keeps numbers and UTC micros; this file is the one place they become wire text.

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
export type TimeInForce = 'day' | 'gtc' | 'opg' | 'cls' | 'ioc' | 'fok';
export type OrderStatus =
  | 'new' | 'partially_filled' | 'filled' | 'done_for_day' | 'canceled' | 'expired' | 'replaced' | 'pending_cancel' | 'pending_replace' | 'rejected';
/** The trade_updates events the simulator produces ("Websocket Streaming", trade_updates). */
export type TradeEvent = 'new' | 'partial_fill' | 'fill' | 'canceled' | 'expired' | 'done_for_day' | 'replaced' | 'rejected' | 'pending_cancel' | 'pending_replace';

export const ORDER_TYPES: readonly string[] = ['market', 'limit'];
export const TIMES_IN_FORCE: readonly string[] = ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'];
/** Statuses that "status=closed" lists; every other one is open (done_for_day included: a gtc order comes back the next day). */
export const CLOSED_STATUSES: readonly OrderStatus[] = ['filled', 'canceled', 'expired', 'replaced', 'rejected'];

/** An order as the ledger keeps it: times in UTC micros, amounts as numbers. */
export interface OrderRecord {
  seq: number;
  id: string;
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  qty: number;
  limitPrice: number | null;
  extendedHours: boolean;
  status: OrderStatus;
  filledQty: number;
  /** Sum of qty x price over the fills, for filled_avg_price. */
  filledNotional: number;
  createdAt: number;
  updatedAt: number;
  submittedAt: number;
  filledAt: number | null;
  canceledAt: number | null;
  expiredAt: number | null;
  failedAt: number | null;
  replacedAt: number | null;
  replacedBy: string | null;
  replaces: string | null;
}

/** One execution: a FILL activity ("Account Activities", TradeActivity). */
export interface FillRecord {
  seq: number;
  id: string;
  executionId: string;
  orderId: string;
  symbol: string;
  side: 'buy' | 'sell' | 'sell_short';
  qty: number;
  price: number;
  at: number;
  type: 'fill' | 'partial_fill';
  cumQty: number;
  leavesQty: number;
  orderStatus: OrderStatus;
}

/** An open position: qty signed (negative short), the average cost of the side that opened it, the last price seen. */
export interface PositionRecord {
  symbol: string;
  qty: number;
  avgEntryPrice: number;
  currentPrice: number;
}

/** A number as Alpaca writes decimals: no exponent, no trailing zeros, at most 9 decimals ("10", "131.355"). */
export function decimal(n: number): string {
  const text = n.toFixed(9).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/** UTC micros as Alpaca writes times: RFC-3339 with nanoseconds. */
export const stamp = (us: number): string => rfc3339(us).replace('Z', '000Z');

const stampOrNull = (us: number | null) => (us === null ? null : stamp(us));

/** A stable asset id per symbol (Alpaca's are UUIDs fixed per asset). */
export function assetIdOf(symbol: string): string {
  const hex = createHash('md5').update(`us_equity:${symbol}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function orderJson(o: OrderRecord) {
  return {
    id: o.id,
    client_order_id: o.clientOrderId,
    created_at: stamp(o.createdAt),
    updated_at: stamp(o.updatedAt),
    submitted_at: stamp(o.submittedAt),
    filled_at: stampOrNull(o.filledAt),
    expired_at: stampOrNull(o.expiredAt),
    canceled_at: stampOrNull(o.canceledAt),
    failed_at: stampOrNull(o.failedAt),
    replaced_at: stampOrNull(o.replacedAt),
    replaced_by: o.replacedBy,
    replaces: o.replaces,
    asset_id: assetIdOf(o.symbol),
    symbol: o.symbol,
    asset_class: 'us_equity',
    notional: null,
    qty: decimal(o.qty),
    filled_qty: decimal(o.filledQty),
    filled_avg_price: o.filledQty > 0 ? decimal(o.filledNotional / o.filledQty) : null,
    order_class: 'simple',
    order_type: o.type,
    type: o.type,
    side: o.side,
    time_in_force: o.timeInForce,
    limit_price: o.limitPrice === null ? null : decimal(o.limitPrice),
    stop_price: null,
    status: o.status,
    extended_hours: o.extendedHours,
    legs: null,
    trail_percent: null,
    trail_price: null,
    hwm: null,
  };
}
export type OrderJson = ReturnType<typeof orderJson>;

/** The data of one trade_updates message; execution_id, price, qty and position_qty on fills only. */
export interface TradeUpdate {
  event: TradeEvent;
  execution_id?: string;
  order: OrderJson;
  timestamp: string;
  /** The price of this execution. */
  price?: string;
  /** The qty of this execution. */
  qty?: string;
  /** The position after this execution, signed (negative short). */
  position_qty?: string;
}

export function fillJson(f: FillRecord) {
  return {
    id: f.id,
    activity_type: 'FILL' as const,
    transaction_time: stamp(f.at),
    type: f.type,
    price: decimal(f.price),
    qty: decimal(f.qty),
    side: f.side,
    symbol: f.symbol,
    leaves_qty: decimal(f.leavesQty),
    order_id: f.orderId,
    cum_qty: decimal(f.cumQty),
    order_status: f.orderStatus,
  };
}
export type FillActivityJson = ReturnType<typeof fillJson>;

/** market_value, cost_basis and P/L at the last price seen (a fill or mark()); no prior close, so intraday = total. */
export function positionJson(p: PositionRecord) {
  const cost = p.qty * p.avgEntryPrice;
  const value = p.qty * p.currentPrice;
  const pl = value - cost;
  const plpc = cost === 0 ? 0 : pl / Math.abs(cost);
  return {
    asset_id: assetIdOf(p.symbol),
    symbol: p.symbol,
    exchange: 'NASDAQ',
    asset_class: 'us_equity',
    asset_marginable: true,
    qty: decimal(p.qty),
    qty_available: decimal(p.qty),
    avg_entry_price: decimal(p.avgEntryPrice),
    side: p.qty > 0 ? 'long' : 'short',
    market_value: decimal(value),
    cost_basis: decimal(cost),
    unrealized_pl: decimal(pl),
    unrealized_plpc: decimal(plpc),
    unrealized_intraday_pl: decimal(pl),
    unrealized_intraday_plpc: decimal(plpc),
    current_price: decimal(p.currentPrice),
    lastday_price: decimal(p.currentPrice),
    change_today: '0',
  };
}
export type PositionJson = ReturnType<typeof positionJson>;

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** YYYYMMDDhhmmss of UTC micros on the New York clock. */
export function newYorkDigits(us: number): string {
  const parts = Object.fromEntries(NEW_YORK.formatToParts(new Date(Math.floor(us / 1000))).map((p) => [p.type, p.value]));
  return `${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}${parts.second}`;
}

/**
 * An activity id, "<time>::<uuid>": the docs' sample pairs id 20190524113406977::… with
 * transaction_time 2019-05-24T15:34:06.977Z, so the time is New York's, to the millisecond.
 */
export function activityId(us: number, uuid: string): string {
  return `${newYorkDigits(us)}${String(Math.floor(us / 1000) % 1000).padStart(3, '0')}::${uuid}`;
}
