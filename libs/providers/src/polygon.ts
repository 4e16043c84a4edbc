import { z } from 'zod';
import { InvalidRecordError, type RawBar, type Timeframe } from '@md/contracts';
import { MICROS_PER_MS, averageDecimal, parseDecimal, plainDecimal, settledRevision } from '@md/market';

// Polygon.io (now Massive) US stocks, parsing only; business rules (high >= low, ...) are the
// preprocessor's. WebSocket (polygon.io/docs/stocks/ws_stocks_*): every frame is a JSON array of
// events told apart by `ev`: `status`, `T` trades, `Q` quotes, `AM` minute aggregates. REST custom
// bars (polygon.io/docs/stocks/get_v2_aggs_ticker__stocksticker__range__multiplier___timespan___from___to):
// `{ ticker, status, adjusted, results: [{ t, o, h, l, c, v, vw, n }], next_url }`.
// Nothing here throws on input: a malformed event becomes a rejection with its reason.

/** Mirrors TradeRecord in libs/contracts (the domain may not import contracts; the connector's tsc checks it). */
export interface PolygonTrade {
  symbol: string; provider: string; eventTime: number; ingestTime: number; price: string; size: number;
  exchange: string | null; tradeId: string | null; conditions: string[]; tape: string | null;
  correction: 'NONE' | 'CORRECTED' | 'CANCELLED';
}

/** Mirrors QuoteRecord in libs/contracts. */
export interface PolygonQuote {
  symbol: string; provider: string; eventTime: number; ingestTime: number; bidPrice: string; bidSize: number;
  bidExchange: string | null; askPrice: string; askSize: number; askExchange: string | null; conditions: string[]; tape: string | null;
}

export type PolygonRecord = { kind: 'bar'; value: RawBar } | { kind: 'trade'; value: PolygonTrade } | { kind: 'quote'; value: PolygonQuote };

/** A control message: connected, auth_success, auth_failed, success, max_connections, error, ... */
export interface PolygonStatus {
  status: string;
  message: string;
}

export interface PolygonRejection {
  /** Position of the event in its frame or page; null when the whole frame is unreadable. */
  index: number | null;
  event: unknown;
  reason: string;
}

export interface PolygonFrame {
  records: PolygonRecord[];
  statuses: PolygonStatus[];
  rejected: PolygonRejection[];
}

export interface PolygonContext {
  provider: string;
  /** When the frame or page was read, UTC epoch micros. */
  ingestTime: number;
}

const MINUTE_MS = 60_000;
/** Epoch milliseconds whose microseconds a JS number still holds exactly. */
const epochMs = z.number().int().positive().lte(Math.floor(Number.MAX_SAFE_INTEGER / MICROS_PER_MS));
const count = z.number().int().nonnegative().lte(Number.MAX_SAFE_INTEGER);
const number = z.number().finite();
const ticker = z.string().regex(/^[A-Z][A-Z0-9.\-/]{0,20}$/, 'must be a ticker such as AAPL');
const code = z.number().int().nonnegative();

/** Trade (ws_stocks_t): x exchange id, i trade id, z tape (1 A, 2 B, 3 C), c condition ids, t SIP time in ms. */
export const PolygonTradeEvent = z.object({
  ev: z.literal('T'), sym: ticker, p: number, s: count, t: epochMs,
  x: code.optional(), i: z.string().optional(), z: code.optional(), c: z.array(code).optional(),
});

/** NBBO quote (ws_stocks_q): bx/ax exchange ids, c one condition id, t SIP time in ms. */
export const PolygonQuoteEvent = z.object({
  ev: z.literal('Q'), sym: ticker, bp: number, bs: count, ap: number, as: count, t: epochMs,
  bx: code.optional(), ax: code.optional(), c: code.optional(), z: code.optional(),
});

/** Minute aggregate (ws_stocks_am): s and e are the window's start and end in ms. */
export const PolygonMinuteEvent = z.object({
  ev: z.literal('AM'), sym: ticker, o: number, h: number, l: number, c: number, v: count, s: epochMs, e: epochMs, vw: number.optional(),
}).refine((m) => m.e - m.s === MINUTE_MS, { message: 'e - s is not one minute', path: ['e'] });

export const PolygonStatusEvent = z.object({ ev: z.literal('status'), status: z.string(), message: z.string().optional() });

/** One bar of the aggregates endpoint: t is the window's start in ms. */
export const PolygonAggsResult = z.object({ t: epochMs, o: number, h: number, l: number, c: number, v: count, vw: number.optional(), n: count.optional() });

export const PolygonAggsPage = z.object({
  ticker: z.string(),
  status: z.enum(['OK', 'DELAYED']),
  adjusted: z.boolean().optional(),
  // Items stay `unknown` so one bad bar is rejected alone, not its whole page; no bars: no `results`.
  results: z.array(z.unknown()).optional(),
  next_url: z.string().url().optional(),
});

function decimal(name: string, text: string): string {
  try {
    return parseDecimal(text);
  } catch (err) {
    throw new InvalidRecordError(`${name}: ${(err as Error).message}`);
  }
}

/** A printed price from a JSON number: exact at scale 8, or an InvalidRecordError naming the field. */
export function jsonPrice(name: string, value: number): string {
  return decimal(name, plainDecimal(value));
}

/** An average (VWAP), not a print: rounded to the price scale instead of rejected. */
export function jsonAverage(name: string, value: number): string {
  try {
    return averageDecimal(value);
  } catch (err) {
    throw new InvalidRecordError(`${name}: ${(err as Error).message}`);
  }
}

function zodReason(error: z.ZodError): string {
  return error.issues.slice(0, 4).map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ');
}

function parseWith<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidRecordError(`${what}: ${zodReason(parsed.error)}`);
  return parsed.data;
}

// Tapes (ws_stocks_t `z`): 1 = NYSE-listed (A), 2 = NYSE American/Arca and regionals (B), 3 = Nasdaq (C).
const TAPES: Readonly<Record<number, string>> = { 1: 'A', 2: 'B', 3: 'C' };
const tape = (z?: number) => (z === undefined ? null : TAPES[z] ?? String(z));
/** Polygon's numeric exchange id as text (its /v3/reference/exchanges table names them). */
const exchange = (x?: number) => (x === undefined ? null : String(x));

function mapTrade(event: unknown, ctx: PolygonContext): PolygonRecord {
  const t = parseWith(PolygonTradeEvent, event, 'trade');
  return { kind: 'trade', value: {
    symbol: t.sym, provider: ctx.provider, eventTime: t.t * MICROS_PER_MS, ingestTime: ctx.ingestTime, price: jsonPrice('p', t.p),
    size: t.s, exchange: exchange(t.x), tradeId: t.i ?? null, conditions: (t.c ?? []).map(String), tape: tape(t.z), correction: 'NONE',
  } };
}

function mapQuote(event: unknown, ctx: PolygonContext): PolygonRecord {
  const q = parseWith(PolygonQuoteEvent, event, 'quote');
  return { kind: 'quote', value: {
    symbol: q.sym, provider: ctx.provider, eventTime: q.t * MICROS_PER_MS, ingestTime: ctx.ingestTime,
    bidPrice: jsonPrice('bp', q.bp), bidSize: q.bs, bidExchange: exchange(q.bx),
    askPrice: jsonPrice('ap', q.ap), askSize: q.as, askExchange: exchange(q.ax), conditions: q.c === undefined ? [] : [String(q.c)], tape: tape(q.z),
  } };
}

interface BarFields { o: number; h: number; l: number; c: number; v: number; vw?: number; n?: number }

function bar(symbol: string, timeframe: Timeframe, startMs: number, b: BarFields, ctx: PolygonContext): RawBar {
  return {
    symbol, timeframe, provider: ctx.provider, eventTime: startMs * MICROS_PER_MS, ingestTime: ctx.ingestTime,
    open: jsonPrice('o', b.o), high: jsonPrice('h', b.h), low: jsonPrice('l', b.l), close: jsonPrice('c', b.c), volume: b.v,
    tradeCount: b.n ?? null, vwap: b.vw === undefined ? null : jsonAverage('vw', b.vw), revision: 0,
  };
}

/** AM: the bar is labelled by its start `s` (DESIGN.md, Contracts). */
function mapMinute(event: unknown, ctx: PolygonContext): PolygonRecord {
  const m = parseWith(PolygonMinuteEvent, event, 'minute aggregate');
  if (m.s % MINUTE_MS !== 0) throw new InvalidRecordError(`minute aggregate: s ${m.s} is not on a minute boundary`);
  return { kind: 'bar', value: bar(m.sym, '1m', m.s, m, ctx) };
}

const DATA_EVENTS: Readonly<Record<string, (event: unknown, ctx: PolygonContext) => PolygonRecord>> = { T: mapTrade, Q: mapQuote, AM: mapMinute };

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function addEvent(frame: PolygonFrame, event: unknown, index: number, ctx: PolygonContext): void {
  try {
    const ev = (event as { ev?: unknown } | null)?.ev;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new InvalidRecordError(`event is ${describe(event)}, expected an object with an ev field`);
    if (ev === 'status') {
      const s = parseWith(PolygonStatusEvent, event, 'status');
      frame.statuses.push({ status: s.status, message: s.message ?? '' });
      return;
    }
    const map = typeof ev === 'string' ? DATA_EVENTS[ev] : undefined;
    if (!map) throw new InvalidRecordError(`unknown event type ev=${JSON.stringify(ev) ?? 'undefined'} (expected status, T, Q or AM)`);
    frame.records.push(map(event, ctx));
  } catch (err) {
    frame.rejected.push({ index, event, reason: (err as Error).message });
  }
}

/** One WebSocket text frame to records, status messages and rejections. Never throws. */
export function mapPolygonFrame(text: string, ctx: PolygonContext): PolygonFrame {
  const frame: PolygonFrame = { records: [], statuses: [], rejected: [] };
  let events: unknown;
  try {
    events = JSON.parse(text);
  } catch (err) {
    frame.rejected.push({ index: null, event: text, reason: `frame is not JSON: ${(err as Error).message}` });
    return frame;
  }
  if (!Array.isArray(events)) {
    frame.rejected.push({ index: null, event: events, reason: `frame is ${describe(events)}, expected a JSON array of events` });
    return frame;
  }
  events.forEach((event, index) => addEvent(frame, event, index, ctx));
  return frame;
}

/** What was asked of the aggregates endpoint: bars outside it are rejected, not kept or dropped. */
export interface PolygonAggsScope extends PolygonContext {
  symbol: string;
  timeframe: Timeframe;
  /** UTC epoch micros, [fromUs, toUs). */
  fromUs: number;
  toUs: number;
}

export interface PolygonAggsMapped {
  records: RawBar[];
  rejected: PolygonRejection[];
  /** The next page's URL (without the key), or null on the last page. */
  nextUrl: string | null;
}

function mapResult(item: unknown, scope: PolygonAggsScope): RawBar {
  const r = parseWith(PolygonAggsResult, item, 'bar');
  // Settled as of the response: it replaces a live AM bar of the minute it disagrees with.
  const value = { ...bar(scope.symbol, scope.timeframe, r.t, r, scope), revision: settledRevision(scope.ingestTime) };
  if (value.eventTime < scope.fromUs || value.eventTime >= scope.toUs) throw new InvalidRecordError('bar: t is outside the requested [from, to)');
  return value;
}

/**
 * One page of GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}. Throws
 * InvalidRecordError when the envelope itself is wrong (another ticker, split-adjusted prices).
 */
export function mapPolygonAggsPage(body: unknown, scope: PolygonAggsScope): PolygonAggsMapped {
  const parsed = PolygonAggsPage.safeParse(body);
  if (!parsed.success) throw new InvalidRecordError(`aggregates page is malformed: ${zodReason(parsed.error)}`);
  const page = parsed.data;
  if (page.ticker !== scope.symbol) throw new InvalidRecordError(`aggregates page is for ${page.ticker}, ${scope.symbol} was requested`);
  // The platform keeps raw prices and adjusts from corporate actions itself (README, Corporate actions).
  if (page.adjusted === true) throw new InvalidRecordError('aggregates page is split-adjusted: request adjusted=false');
  const mapped: PolygonAggsMapped = { records: [], rejected: [], nextUrl: page.next_url ?? null };
  (page.results ?? []).forEach((item, index) => {
    try {
      mapped.records.push(mapResult(item, scope));
    } catch (err) {
      mapped.rejected.push({ index, event: item, reason: (err as Error).message });
    }
  });
  return mapped;
}
