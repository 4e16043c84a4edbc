import { z } from 'zod';
import type { RawBar } from '@md/contracts';
import { MICROS_PER_MINUTE, averageDecimal, parseDecimal, plainDecimal, rfc3339Micros } from '@md/market';

// Alpaca market data v2 real-time stream ("WebSocket Stream" and "Real-time Stock Data",
// docs.alpaca.markets/docs/streaming-market-data and /real-time-stock-pricing-data). Every frame is
// an array of messages told apart by `T`. This file turns one decoded frame into canonical records,
// control messages and rejections. It never throws on input: a malformed message becomes a
// rejection with its reason, to be dead-lettered, never dropped.

/** Channels a client may subscribe to on the stock stream (docs: "Channels"). */
export const ALPACA_CHANNELS = ['trades', 'quotes', 'bars', 'updatedBars', 'dailyBars', 'statuses', 'lulds', 'imbalances'] as const;
export type AlpacaChannel = (typeof ALPACA_CHANNELS)[number];
/** An acknowledgement also lists `corrections` and `cancelErrors`, attached to `trades` by the server. */
const ACK_CHANNELS = [...ALPACA_CHANNELS, 'corrections', 'cancelErrors'] as const;
export type AlpacaSubscriptions = Partial<Record<(typeof ACK_CHANNELS)[number], string[]>>;

export type AlpacaErrorAction = 'fail' | 'reconnect' | 'wait-connection-limit' | 'symbol-limit' | 'report';

/** The stream's error codes (docs: "Errors") and what a client should do about each. */
export const ALPACA_STREAM_ERRORS: Readonly<Record<number, { msg: string; action: AlpacaErrorAction }>> = {
  400: { msg: 'invalid syntax', action: 'report' }, // our request was malformed; the socket stays usable
  401: { msg: 'not authenticated', action: 'reconnect' }, // subscribed before auth: redo the handshake
  402: { msg: 'auth failed', action: 'fail' }, // wrong key or secret: retrying cannot help
  403: { msg: 'already authenticated', action: 'report' },
  404: { msg: 'auth timeout', action: 'reconnect' }, // auth must come within 10 s of connecting
  405: { msg: 'symbol limit exceeded', action: 'symbol-limit' }, // subscriptions stay as before the request
  406: { msg: 'connection limit exceeded', action: 'wait-connection-limit' }, // another session holds the slot
  407: { msg: 'slow client', action: 'reconnect' },
  408: { msg: 'v2 not enabled', action: 'fail' },
  409: { msg: 'insufficient subscription', action: 'fail' }, // the plan does not include this feed
  500: { msg: 'internal error', action: 'reconnect' },
};

export type AlpacaControl =
  | { type: 'connected' }
  | { type: 'authenticated' }
  | { type: 'subscription'; subscriptions: AlpacaSubscriptions }
  | { type: 'error'; code: number; message: string; action: AlpacaErrorAction };

/** Mirrors TradeRecord in libs/contracts (domain may not import contracts; the connector's tsc checks it). */
export interface AlpacaTradeRecord {
  symbol: string; provider: string; eventTime: number; ingestTime: number; price: string; size: number;
  exchange: string | null; tradeId: string | null; conditions: string[]; tape: string | null;
  correction: 'NONE' | 'CORRECTED' | 'CANCELLED';
}

/** Mirrors QuoteRecord in libs/contracts. */
export interface AlpacaQuoteRecord {
  symbol: string; provider: string; eventTime: number; ingestTime: number; bidPrice: string; bidSize: number;
  bidExchange: string | null; askPrice: string; askSize: number; askExchange: string | null; conditions: string[]; tape: string | null;
}

export type AlpacaDataType = 'b' | 'u' | 'd' | 't' | 'c' | 'x' | 'q';
export type AlpacaRecord = { kind: 'bar'; value: RawBar } | { kind: 'trade'; value: AlpacaTradeRecord } | { kind: 'quote'; value: AlpacaQuoteRecord };

export type AlpacaItem =
  | { kind: 'control'; control: AlpacaControl }
  | { kind: 'record'; type: AlpacaDataType; record: AlpacaRecord }
  /** A valid message with no canonical topic yet (statuses, LULDs, imbalances): dead-lettered, not dropped. */
  | { kind: 'unmapped'; type: string; reason: string }
  | { kind: 'rejected'; reason: string };

export interface AlpacaMapContext {
  provider: string;
  /** When the frame was read, UTC epoch micros. */
  ingestTime: number;
  /** Revision of a mapped bar (see AlpacaBarRevisions). */
  revision(bar: RawBar, type: 'b' | 'u' | 'd'): number;
}

/** A traded price: exact, never rounded (parseDecimal refuses a ninth decimal). */
const price = (value: number | bigint) => parseDecimal(plainDecimal(value));
/** VWAP is an average, not a traded price: rounded to the price scale. */
const averagePrice = averageDecimal;

const ticker = z.string().regex(/^[A-Z][A-Z0-9.\-/]{0,20}$/, 'must be a ticker such as AAPL');
const number = z.union([z.number().finite(), z.bigint()]); // NaN and ±Infinity are refused
const MAX = Number.MAX_SAFE_INTEGER;
const count = z.union([z.number().int().nonnegative().lte(MAX), z.bigint().nonnegative().lte(BigInt(MAX))]).transform(Number);
const id = z.union([z.number().int().nonnegative().lte(MAX), z.bigint().nonnegative()]).transform(String); // msgpack may carry 64-bit ids
const time = z.string().transform((text, ctx) => {
  const us = rfc3339Micros(text);
  if (us === undefined) ctx.addIssue({ code: 'custom', message: `not an RFC-3339 time: ${text.slice(0, 40)}` });
  return us ?? z.NEVER;
});
const codes = z.array(z.string()).optional();
const text = z.string().optional();

const BarMessage = z.object({ T: z.enum(['b', 'u', 'd']), S: ticker, o: number, h: number, l: number, c: number, v: count, t: time, n: count.optional(), vw: number.optional() });
const TradeMessage = z.object({ T: z.literal('t'), S: ticker, i: id, x: text, p: number, s: count, c: codes, t: time, z: text });
const CorrectionMessage = z.object({ T: z.literal('c'), S: ticker, x: text, oi: id, op: number, os: count, oc: codes, ci: id, cp: number, cs: count, cc: codes, t: time, z: text });
const CancelMessage = z.object({ T: z.literal('x'), S: ticker, i: id, x: text, p: number, s: count, a: z.enum(['C', 'E']).optional(), t: time, z: text });
const QuoteMessage = z.object({ T: z.literal('q'), S: ticker, bx: text, bp: number, bs: count, ax: text, ap: number, as: count, c: codes, t: time, z: text });
const SuccessMessage = z.object({ T: z.literal('success'), msg: z.enum(['connected', 'authenticated']) });
const ErrorMessage = z.object({ T: z.literal('error'), code: z.number().int(), msg: z.string().optional() });
const SubscriptionMessage = z.object({ T: z.literal('subscription'), ...Object.fromEntries(ACK_CHANNELS.map((c) => [c, z.array(z.string()).optional()])) });

function mapBar(m: z.infer<typeof BarMessage>, ctx: AlpacaMapContext): AlpacaItem {
  // A minute bar is labelled by its start (docs: "contain the trades from the previous minute").
  if (m.T !== 'd' && m.t % MICROS_PER_MINUTE !== 0) return { kind: 'rejected', reason: `bar (T=${m.T}) for ${m.S}: t is not on a minute boundary` };
  const bar: RawBar = {
    symbol: m.S, timeframe: m.T === 'd' ? '1d' : '1m', provider: ctx.provider, eventTime: m.t, ingestTime: ctx.ingestTime,
    open: price(m.o), high: price(m.h), low: price(m.l), close: price(m.c), volume: m.v,
    tradeCount: m.n ?? null, vwap: m.vw === undefined ? null : averagePrice(m.vw), revision: 0,
  };
  return { kind: 'record', type: m.T, record: { kind: 'bar', value: { ...bar, revision: ctx.revision(bar, m.T) } } };
}

type TradeCore = Pick<AlpacaTradeRecord, 'tradeId' | 'price' | 'size' | 'conditions' | 'correction'>;
function trade(type: 't' | 'c' | 'x', m: { S: string; t: number; x?: string; z?: string }, core: TradeCore, ctx: AlpacaMapContext): AlpacaItem {
  const value = { symbol: m.S, provider: ctx.provider, eventTime: m.t, ingestTime: ctx.ingestTime, exchange: m.x ?? null, tape: m.z ?? null, ...core };
  return { kind: 'record', type, record: { kind: 'trade', value } };
}

const mapTrade = (m: z.infer<typeof TradeMessage>, ctx: AlpacaMapContext) =>
  trade('t', m, { tradeId: m.i, price: price(m.p), size: m.s, conditions: m.c ?? [], correction: 'NONE' }, ctx);
// A correction carries the corrected values under the ORIGINAL trade id (oi), so a consumer can find
// the trade it replaces; TradeRecord has no field for the new id (ci).
const mapCorrection = (m: z.infer<typeof CorrectionMessage>, ctx: AlpacaMapContext) =>
  trade('c', m, { tradeId: m.oi, price: price(m.cp), size: m.cs, conditions: m.cc ?? [], correction: 'CORRECTED' }, ctx);
// Cancels ("C") and errors ("E") both withdraw the trade.
const mapCancel = (m: z.infer<typeof CancelMessage>, ctx: AlpacaMapContext) =>
  trade('x', m, { tradeId: m.i, price: price(m.p), size: m.s, conditions: [], correction: 'CANCELLED' }, ctx);

function mapQuote(m: z.infer<typeof QuoteMessage>, ctx: AlpacaMapContext): AlpacaItem {
  const value: AlpacaQuoteRecord = {
    symbol: m.S, provider: ctx.provider, eventTime: m.t, ingestTime: ctx.ingestTime, bidPrice: price(m.bp), bidSize: m.bs,
    bidExchange: m.bx ?? null, askPrice: price(m.ap), askSize: m.as, askExchange: m.ax ?? null, conditions: m.c ?? [], tape: m.z ?? null,
  };
  return { kind: 'record', type: 'q', record: { kind: 'quote', value } };
}

function mapError(m: z.infer<typeof ErrorMessage>): AlpacaItem {
  const known = ALPACA_STREAM_ERRORS[m.code];
  return { kind: 'control', control: { type: 'error', code: m.code, message: m.msg ?? known?.msg ?? 'unknown error', action: known?.action ?? 'report' } };
}

function mapSubscription(m: Record<string, unknown>): AlpacaItem {
  // The acknowledgement is the full current state; a channel with no symbols may be absent.
  const subscriptions = Object.fromEntries(ACK_CHANNELS.filter((c) => Array.isArray(m[c])).map((c) => [c, m[c]]));
  return { kind: 'control', control: { type: 'subscription', subscriptions } };
}

const UNMAPPED = new Map([['s', 'trading status'], ['l', 'LULD band'], ['i', 'order imbalance']]);

type Handler = { name: string; schema: z.ZodTypeAny; map(m: any, ctx: AlpacaMapContext): AlpacaItem };
const HANDLERS = new Map<string, Handler>(Object.entries({
  b: { name: 'bar', schema: BarMessage, map: mapBar },
  u: { name: 'updated bar', schema: BarMessage, map: mapBar },
  d: { name: 'daily bar', schema: BarMessage, map: mapBar },
  t: { name: 'trade', schema: TradeMessage, map: mapTrade },
  c: { name: 'trade correction', schema: CorrectionMessage, map: mapCorrection },
  x: { name: 'trade cancel/error', schema: CancelMessage, map: mapCancel },
  q: { name: 'quote', schema: QuoteMessage, map: mapQuote },
  success: { name: 'success', schema: SuccessMessage, map: (m) => ({ kind: 'control', control: { type: m.msg } }) },
  error: { name: 'error', schema: ErrorMessage, map: mapError },
  subscription: { name: 'subscription', schema: SubscriptionMessage.passthrough(), map: mapSubscription },
} satisfies Record<string, Handler>));

const show = (value: unknown) => (JSON.stringify(value) ?? String(value)).slice(0, 40);
const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);
const issues = (error: z.ZodError) => error.issues.slice(0, 4).map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');

/** One message of a frame: a record, a control message, or a rejection with its reason. */
export function classifyAlpacaMessage(message: unknown, ctx: AlpacaMapContext): AlpacaItem {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { kind: 'rejected', reason: `message is ${describe(message)}, expected an object with a T field` };
  }
  const type = (message as { T?: unknown }).T;
  if (typeof type !== 'string') return { kind: 'rejected', reason: 'message has no string T (message type) field' };
  const unmapped = UNMAPPED.get(type);
  if (unmapped) return { kind: 'unmapped', type, reason: `Alpaca ${unmapped} message (T=${type}) has no canonical topic yet` };
  const handler = HANDLERS.get(type);
  if (!handler) return { kind: 'rejected', reason: `unknown message type T=${show(type)}` };
  const parsed = handler.schema.safeParse(message);
  const subject = `${handler.name} (T=${type})${typeof (message as { S?: unknown }).S === 'string' ? ` for ${show((message as { S: string }).S)}` : ''}`;
  if (!parsed.success) return { kind: 'rejected', reason: `${subject}: ${issues(parsed.error)}` };
  try {
    return handler.map(parsed.data, ctx);
  } catch (err) {
    return { kind: 'rejected', reason: `${subject}: ${(err as Error).message}` };
  }
}

/** A decoded frame (docs: "[{"T": …}, …]") to one item per message; a non-array frame is one rejection. */
export function classifyAlpacaFrame(frame: unknown, ctx: AlpacaMapContext): AlpacaItem[] {
  if (!Array.isArray(frame)) return [{ kind: 'rejected', reason: `frame is ${describe(frame)}, expected an array of messages` }];
  if (frame.length === 0) return [{ kind: 'rejected', reason: 'empty frame: Alpaca sends at least one message per frame' }];
  return frame.map((message, i) => {
    let item: AlpacaItem;
    try {
      item = classifyAlpacaMessage(message, ctx);
    } catch (err) {
      item = { kind: 'rejected', reason: `unexpected: ${(err as Error).message}` };
    }
    return item.kind === 'rejected' && frame.length > 1 ? { ...item, reason: `message ${i + 1} of ${frame.length}: ${item.reason}` } : item;
  });
}

/** A text frame to its JSON value, or the reason it is not JSON. */
export function decodeAlpacaJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: `frame is not JSON: ${(err as Error).message.slice(0, 80)}` };
  }
}

/**
 * Revisions for Alpaca bars. A minute bar (`b`) is revision 0. An updated bar (`u`, sent after the
 * half-minute when late trades changed a minute; docs: "Updated Bars") and a daily bar (`d`, re-sent
 * every minute with the day so far) get the receive time in epoch milliseconds, made strictly
 * increasing, so a later version outranks an earlier one, also across restarts while the clock does
 * not step back. The same version received again (a rebroadcast `d`, a replayed `u`) keeps its
 * revision, so downstream it stays a duplicate rather than a fake correction. Bounded by maxBars.
 */
export class AlpacaBarRevisions {
  private last = 0;
  private readonly versions = new Map<string, { content: string; revision: number }>();

  constructor(private readonly maxBars = 10_000) {}

  revision(bar: RawBar, type: 'b' | 'u' | 'd', nowMs: number): number {
    if (type === 'b') return 0;
    const key = `${bar.symbol}|${bar.timeframe}|${bar.eventTime}`;
    const content = [bar.open, bar.high, bar.low, bar.close, bar.volume, bar.tradeCount, bar.vwap].join('|');
    const prior = this.versions.get(key);
    if (prior?.content === content) return prior.revision;
    this.last = Math.max(Math.floor(nowMs), this.last + 1);
    this.versions.delete(key);
    this.versions.set(key, { content, revision: this.last });
    if (this.versions.size > this.maxBars) this.versions.delete(this.versions.keys().next().value as string);
    return this.last;
  }
}
