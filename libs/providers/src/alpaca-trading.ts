import { z } from 'zod';
import { type ExecutionRecord, InvalidRecordError, type OrderEventRecord, type PositionRecord } from '@md/contracts';
import { parseDecimal, rfc3339Micros } from '@md/market';
import { parseItem } from './zod-reason';

// Alpaca Trading API (docs.alpaca.markets: "Websocket Streaming" trade_updates, "Orders",
// "Positions", "Account Activities"; field names as the official client's Order, TradeUpdate,
// Position and activity models, @alpacahq/alpaca-trade-api v4) to the platform's trading records.
//   trade_updates event   -> OrderEventRecord (revision = the event's timestamp in microseconds:
//                            Alpaca numbers no events, and an order's events are time-ordered)
//                            + ExecutionRecord for fill and partial_fill
//   GET /v2/orders item   -> OrderEventRecord, event 'snapshot', revision = updated_at
//   FILL activity         -> ExecutionRecord
//   GET /v2/positions     -> PositionRecord
// An execution's id is `<order id>@<filled_qty after the fill>` (contract): the stream's
// execution_id and the activity's id differ for the same fill, the cumulative quantity does not.

export interface AlpacaAccountScope {
  readonly accountAlias: string;
  readonly ingestTime: number;
}

const decimal = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDecimal(String(v));
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(v)} is not a decimal` });
    return z.NEVER;
  }
});
const time = z.string().transform((v, ctx) => {
  const us = rfc3339Micros(v);
  if (us === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(v)} is not an RFC-3339 time` });
  return us ?? 0;
});

export const AlpacaOrder = z.object({
  id: z.string().min(1),
  client_order_id: z.string().nullish(),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  type: z.string().nullish(),
  order_type: z.string().nullish(),
  time_in_force: z.string().nullish(),
  qty: decimal.nullish(),
  filled_qty: decimal,
  filled_avg_price: decimal.nullish(),
  limit_price: decimal.nullish(),
  stop_price: decimal.nullish(),
  status: z.string().min(1),
  replaces: z.string().nullish(),
  updated_at: time,
});
export type AlpacaOrder = z.infer<typeof AlpacaOrder>;

const TradeUpdate = z.object({
  event: z.string().min(1),
  execution_id: z.string().nullish(),
  order: AlpacaOrder,
  timestamp: time,
  price: decimal.nullish(),
  qty: decimal.nullish(),
  position_qty: decimal.nullish(),
});

const FillActivity = z.object({
  id: z.string().min(1),
  activity_type: z.literal('FILL'),
  transaction_time: time,
  price: decimal,
  qty: decimal,
  cum_qty: decimal,
  side: z.enum(['buy', 'sell', 'sell_short']),
  symbol: z.string().min(1),
  order_id: z.string().min(1),
});

const Position = z.object({ symbol: z.string().min(1), qty: decimal, avg_entry_price: decimal, current_price: decimal.nullish(), side: z.enum(['long', 'short']).optional() });

const upperSide = (side: string): 'BUY' | 'SELL' => (side === 'buy' ? 'BUY' : 'SELL');

/** An order's fields as the record carries them, for a stream event or a REST read. */
function orderRecord(o: AlpacaOrder, s: AlpacaAccountScope, event: string, eventTime: number): OrderEventRecord {
  return {
    broker: 'alpaca', accountAlias: s.accountAlias, orderId: o.id, clientOrderId: o.client_order_id ?? null, symbol: o.symbol.toUpperCase(),
    side: upperSide(o.side), orderType: o.order_type ?? o.type ?? 'market', timeInForce: o.time_in_force ?? null,
    quantity: o.qty ?? o.filled_qty, filledQuantity: o.filled_qty, limitPrice: o.limit_price ?? null, stopPrice: o.stop_price ?? null,
    averageFillPrice: o.filled_avg_price ?? null, status: o.status.toLowerCase(), event, replacesOrderId: o.replaces ?? null,
    eventTime, revision: eventTime, ingestTime: s.ingestTime,
  };
}

export const executionId = (orderId: string, cumulativeQuantity: string): string => `${orderId}@${cumulativeQuantity}`;

/** One trade_updates message's `data`: the order's new state, and the fill it reports, if any. */
export function mapTradeUpdate(data: unknown, s: AlpacaAccountScope): { order: OrderEventRecord; execution: ExecutionRecord | null } {
  const u = parseItem(TradeUpdate, data);
  const order = orderRecord(u.order, s, u.event, u.timestamp);
  if (u.event !== 'fill' && u.event !== 'partial_fill') return { order, execution: null };
  if (!u.price || !u.qty) throw new InvalidRecordError(`${u.event} of order ${u.order.id} carries no price or qty`);
  const execution: ExecutionRecord = {
    broker: 'alpaca', accountAlias: s.accountAlias, executionId: executionId(u.order.id, u.order.filled_qty), brokerExecutionId: u.execution_id ?? null,
    orderId: u.order.id, symbol: order.symbol, side: order.side, price: u.price, quantity: u.qty, cumulativeQuantity: u.order.filled_qty,
    executionTime: u.timestamp, ingestTime: s.ingestTime,
  };
  return { order, execution };
}

/** A GET /v2/orders item as a state read over REST. */
export function mapRestOrder(item: unknown, s: AlpacaAccountScope): OrderEventRecord {
  const o = parseItem(AlpacaOrder, item);
  return orderRecord(o, s, 'snapshot', o.updated_at);
}

/** A FILL account activity as the execution it reports. */
export function mapFillActivity(item: unknown, s: AlpacaAccountScope): ExecutionRecord {
  const a = parseItem(FillActivity, item);
  return {
    broker: 'alpaca', accountAlias: s.accountAlias, executionId: executionId(a.order_id, a.cum_qty), brokerExecutionId: a.id, orderId: a.order_id,
    symbol: a.symbol.toUpperCase(), side: upperSide(a.side), price: a.price, quantity: a.qty, cumulativeQuantity: a.cum_qty,
    executionTime: a.transaction_time, ingestTime: s.ingestTime,
  };
}

/** A GET /v2/positions item (qty negative when short, as Alpaca gives it). */
export function mapPosition(item: unknown, s: AlpacaAccountScope, asOf: number, source: string): PositionRecord {
  const p = parseItem(Position, item);
  const quantity = p.side === 'short' && !p.qty.startsWith('-') ? `-${p.qty}` : p.qty;
  return { broker: 'alpaca', accountAlias: s.accountAlias, symbol: p.symbol.toUpperCase(), quantity, averageEntryPrice: p.avg_entry_price, lastPrice: p.current_price ?? null, asOf, source, ingestTime: s.ingestTime };
}

/** A symbol with no position (404 from GET /v2/positions/{symbol} after a fill): closed. */
export const closedPosition = (symbol: string, s: AlpacaAccountScope, asOf: number, source: string): PositionRecord => ({
  broker: 'alpaca', accountAlias: s.accountAlias, symbol: symbol.toUpperCase(), quantity: '0.00000000', averageEntryPrice: '0.00000000', lastPrice: null, asOf, source, ingestTime: s.ingestTime,
});
