import { z } from 'zod';
import { InvalidRecordError, type RawBar, type Timeframe } from '@md/contracts';
import { RFC3339, parseDecimal, plainDecimal, rfc3339Micros, settledRevision } from '@md/market';
import { parseEnvelope, parseItem } from './zod-reason';

// Alpaca Market Data API v2, historical stocks (docs.alpaca.markets, "Historical bars",
// "Historical trades", "Historical quotes"): GET /v2/stocks/{bars,trades,quotes} answer
// `{ <kind>: { SYMBOL: [item, ...] }, next_page_token }`, sorted by symbol, then time.
// Only parsing happens here; business rules (high >= low, ...) are the preprocessor's.

/** Our timeframes as Alpaca's `timeframe` parameter spells them. */
export const ALPACA_REST_TIMEFRAMES: Readonly<Record<Timeframe, string>> = {
  '1m': '1Min', '5m': '5Min', '15m': '15Min', '1h': '1Hour', '1d': '1Day',
};

/** One bar (schema `stock_bar`): `t` is the bar's start; `n` and `vw` are absent from some recordings. */
export const AlpacaRestBarItem = z.object({
  t: z.string(), o: z.number(), h: z.number(), l: z.number(), c: z.number(),
  v: z.number().int().nonnegative(), n: z.number().int().nonnegative().optional(), vw: z.number().optional(),
});

const tradeId = z.number().int().nonnegative().refine(Number.isSafeInteger, 'trade id above 2^53 cannot be kept exactly');

/** One trade (schema `stock_trade`); `u` marks a canceled, incorrect or corrected print. */
export const AlpacaRestTradeItem = z.object({
  t: z.string(), i: tradeId, x: z.string(), p: z.number(), s: z.number().int().nonnegative(),
  c: z.array(z.string()).nullish(), z: z.string().nullish(), u: z.enum(['canceled', 'incorrect', 'corrected']).optional(),
});

/** One quote (schema `stock_quote`); a 0 price means no active bid or ask. */
export const AlpacaRestQuoteItem = z.object({
  t: z.string(), bx: z.string(), bp: z.number(), bs: z.number().int().nonnegative(),
  ax: z.string(), ap: z.number(), as: z.number().int().nonnegative(), c: z.array(z.string()).nullish(), z: z.string().nullish(),
});

// Items stay `unknown` in the envelope so one bad item is rejected alone, not its whole page.
const items = z.record(z.string(), z.array(z.unknown())).nullable();
const token = z.string().nullish();
export const AlpacaRestBarsPage = z.object({ bars: items, next_page_token: token });
export const AlpacaRestTradesPage = z.object({ trades: items, next_page_token: token });
export const AlpacaRestQuotesPage = z.object({ quotes: items, next_page_token: token });

/** Same shape as TradeRecord in @md/contracts (the domain may not import contracts). */
export interface AlpacaRestTrade {
  symbol: string; provider: string; eventTime: number; ingestTime: number; price: string; size: number;
  exchange: string | null; tradeId: string | null; conditions: string[]; tape: string | null;
  correction: 'NONE' | 'CORRECTED' | 'CANCELLED';
}

/** Same shape as QuoteRecord in @md/contracts. */
export interface AlpacaRestQuote {
  symbol: string; provider: string; eventTime: number; ingestTime: number;
  bidPrice: string; bidSize: number; bidExchange: string | null;
  askPrice: string; askSize: number; askExchange: string | null; conditions: string[]; tape: string | null;
}

/** What was asked for: items outside it are rejected, not silently kept or dropped. */
export interface AlpacaRestScope {
  provider: string;
  ingestTime: number;
  symbols: readonly string[];
  /** UTC epoch micros, [fromUs, toUs). */
  fromUs: number;
  toUs: number;
}

export interface AlpacaRestRejection {
  symbol: string;
  /** Position of the item in its symbol's list on the page. */
  index: number;
  item: unknown;
  reason: string;
}

export interface AlpacaRestPage<T> {
  records: T[];
  rejected: AlpacaRestRejection[];
  nextPageToken: string | null;
}

/** RFC-3339 time of an item (Alpaca sends nanoseconds, truncated to micros), or a clear error. */
export function alpacaRestTimeMicros(text: string): number {
  const us = rfc3339Micros(text);
  if (us !== undefined) return us;
  if (!RFC3339.test(text)) throw new InvalidRecordError(`t ${JSON.stringify(text)} is not an RFC-3339 timestamp`);
  throw new InvalidRecordError(`t ${JSON.stringify(text)} is not a calendar time`);
}

/** An exchange print: exact at scale 8 or rejected. */
function price(name: string, value: number): string {
  try {
    return parseDecimal(plainDecimal(value));
  } catch (err) {
    throw new InvalidRecordError(`${name}: ${(err as Error).message}`);
  }
}

/** An exchange code, where Alpaca sends " " for "none" (e.g. beside a 0 ask). */
function exchange(code: string | null | undefined): string | null {
  return code && code.trim() ? code : null;
}

function checkScope(symbol: string, eventTime: number, scope: AlpacaRestScope): void {
  if (!scope.symbols.includes(symbol)) throw new InvalidRecordError(`symbol ${symbol} was not requested`);
  if (eventTime < scope.fromUs || eventTime >= scope.toUs) throw new InvalidRecordError('t is outside the requested [start, end)');
}

function mapItems<T extends { eventTime: number }>(
  bySymbol: Record<string, unknown[]> | null, scope: AlpacaRestScope, mapOne: (symbol: string, item: unknown) => T,
): Pick<AlpacaRestPage<T>, 'records' | 'rejected'> {
  const records: T[] = [];
  const rejected: AlpacaRestRejection[] = [];
  for (const [symbol, list] of Object.entries(bySymbol ?? {})) {
    list.forEach((item, index) => {
      try {
        const record = mapOne(symbol, item);
        checkScope(symbol, record.eventTime, scope);
        records.push(record);
      } catch (err) {
        rejected.push({ symbol, index, item, reason: (err as Error).message });
      }
    });
  }
  return { records, rejected };
}

/** A bars page to raw bars (always requested with adjustment=raw: the preprocessor adjusts). */
export function mapAlpacaRestBars(body: unknown, scope: AlpacaRestScope & { timeframe: Timeframe }): AlpacaRestPage<RawBar> {
  const page = parseEnvelope(AlpacaRestBarsPage, body, 'bars');
  const mapped = mapItems(page.bars, scope, (symbol, item): RawBar => {
    const b = parseItem(AlpacaRestBarItem, item);
    return {
      symbol, timeframe: scope.timeframe, provider: scope.provider, eventTime: alpacaRestTimeMicros(b.t), ingestTime: scope.ingestTime,
      open: price('o', b.o), high: price('h', b.h), low: price('l', b.l), close: price('c', b.c), volume: b.v,
      tradeCount: b.n ?? null,
      // vw is a computed average, not a print: rounded to the price scale instead of rejected.
      vwap: b.vw === undefined ? null : parseDecimal(b.vw.toFixed(8)),
      // Settled as of the response: it replaces a live bar of the minute it disagrees with.
      revision: settledRevision(scope.ingestTime),
    };
  });
  return { ...mapped, nextPageToken: page.next_page_token ?? null };
}

// `u` (stock_trade): "incorrect" withdraws a print that a separate "corrected" trade replaces.
const CORRECTIONS = { canceled: 'CANCELLED', incorrect: 'CANCELLED', corrected: 'CORRECTED' } as const;

export function mapAlpacaRestTrades(body: unknown, scope: AlpacaRestScope): AlpacaRestPage<AlpacaRestTrade> {
  const page = parseEnvelope(AlpacaRestTradesPage, body, 'trades');
  const mapped = mapItems(page.trades, scope, (symbol, item): AlpacaRestTrade => {
    const t = parseItem(AlpacaRestTradeItem, item);
    return {
      symbol, provider: scope.provider, eventTime: alpacaRestTimeMicros(t.t), ingestTime: scope.ingestTime,
      price: price('p', t.p), size: t.s, exchange: exchange(t.x), tradeId: String(t.i), conditions: t.c ?? [],
      tape: exchange(t.z), correction: t.u ? CORRECTIONS[t.u] : 'NONE',
    };
  });
  return { ...mapped, nextPageToken: page.next_page_token ?? null };
}

export function mapAlpacaRestQuotes(body: unknown, scope: AlpacaRestScope): AlpacaRestPage<AlpacaRestQuote> {
  const page = parseEnvelope(AlpacaRestQuotesPage, body, 'quotes');
  const mapped = mapItems(page.quotes, scope, (symbol, item): AlpacaRestQuote => {
    const q = parseItem(AlpacaRestQuoteItem, item);
    return {
      symbol, provider: scope.provider, eventTime: alpacaRestTimeMicros(q.t), ingestTime: scope.ingestTime,
      bidPrice: price('bp', q.bp), bidSize: q.bs, bidExchange: exchange(q.bx),
      askPrice: price('ap', q.ap), askSize: q.as, askExchange: exchange(q.ax), conditions: q.c ?? [], tape: exchange(q.z),
    };
  });
  return { ...mapped, nextPageToken: page.next_page_token ?? null };
}
