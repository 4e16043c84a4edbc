import { z } from 'zod';
import { plainDecimal } from '../decimal';
import { InvalidRecordError } from '../errors';
import { parseOptionChainCsv, type ChainSnapshotOptions, type OptionQuote } from '../options/chain-snapshot';
import { parseOccSymbol } from '../options/occ-symbol';
import { MICROS_PER_MS } from '../time';
import { alpacaRestTimeMicros } from './alpaca-rest';

// Alpaca Market Data API, "Option chain" (docs.alpaca.markets; @alpacahq/alpaca-trade-api v4
// OptionApi.optionChain): GET /v1beta1/options/snapshots/{underlying_symbol} answers
//   { snapshots: { <OCC symbol>: { latestQuote?, latestTrade?, greeks?, impliedVolatility?,
//     dailyBar?, minuteBar?, prevDailyBar? } }, next_page_token }
// quote {t, bp, bs, bx, ap, as, ax, c}, trade {t, p, s, x, c}, greeks {delta, gamma, theta, vega, rho}.
// It has no open interest and no underlying price. Greeks and IV come only where Alpaca could
// compute them; the rest are filled by the same rule as the chain file (chain-snapshot.ts).

/** Alpaca's snapshot page size: `limit` is 1..1000 (default 100). */
export const ALPACA_OPTION_MAX_PAGE_LIMIT = 1000;
/** indicative: free, delayed; opra: the consolidated feed (a paid subscription). */
export const ALPACA_OPTION_FEEDS = ['indicative', 'opra'] as const;
export type AlpacaOptionFeed = (typeof ALPACA_OPTION_FEEDS)[number];

const price = z.number().nonnegative().finite();
const size = z.number().int().nonnegative().optional();
const code = z.string().optional();

/** Sizes, exchanges and conditions are not in OptionQuoteRecord, so their absence is no error. */
export const AlpacaOptionQuoteItem = z.object({ t: z.string(), bp: price, ap: price, bs: size, as: size, bx: code, ax: code, c: code });
export const AlpacaOptionTradeItem = z.object({ t: z.string(), p: price, s: size, x: code, c: code });
export const AlpacaOptionGreeksItem = z.object({ delta: z.number().finite(), gamma: z.number().finite(), theta: z.number().finite(), vega: z.number().finite(), rho: z.number().finite() });
export const AlpacaOptionSnapshotItem = z.object({
  latestQuote: AlpacaOptionQuoteItem.nullish(),
  latestTrade: AlpacaOptionTradeItem.nullish(),
  greeks: AlpacaOptionGreeksItem.nullish(),
  impliedVolatility: z.number().nonnegative().finite().nullish(),
  /** The day's bar: only its volume is kept (OptionQuoteRecord.volume is the day's volume). */
  dailyBar: z.object({ v: z.number().int().nonnegative() }).passthrough().nullish(),
});
// Snapshots stay `unknown` in the envelope so one bad contract is rejected alone.
export const AlpacaOptionSnapshotsPage = z.object({ snapshots: z.record(z.string(), z.unknown()).nullable(), next_page_token: z.string().nullish() });

/** One contract as received: its OCC symbol and Alpaca's snapshot object. */
export type AlpacaOptionSnapshot = readonly [occSymbol: string, item: unknown];

export interface AlpacaOptionChainPage {
  snapshots: AlpacaOptionSnapshot[];
  nextPageToken: string | null;
}

export interface AlpacaOptionRejection {
  occSymbol: string;
  item: unknown;
  reason: string;
}

export interface AlpacaOptionChain {
  /** In the order received; the same shape as OptionQuoteRecord (md.options.chain.v1). */
  quotes: OptionQuote[];
  rejected: AlpacaOptionRejection[];
  snapshotTime: number;
}

export type AlpacaOptionChainOptions = Omit<ChainSnapshotOptions, 'snapshotTime'> & {
  /** When the snapshot was taken, UTC micros; default: its latest quote or trade, else ingestTime. */
  readonly snapshotTime?: number;
};

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'snapshot'}: ${i.message}`).join('; ');
}

/** The envelope of one page; a malformed envelope fails the page (it is not one contract's fault). */
export function parseAlpacaOptionChainPage(body: unknown): AlpacaOptionChainPage {
  const page = AlpacaOptionSnapshotsPage.safeParse(body);
  if (!page.success) throw new InvalidRecordError(`option snapshots page is malformed: ${issues(page.error)}`);
  return { snapshots: Object.entries(page.data.snapshots ?? {}), nextPageToken: page.data.next_page_token ?? null };
}

type SnapshotItem = z.infer<typeof AlpacaOptionSnapshotItem>;

function parseSnapshot([occSymbol, item]: AlpacaOptionSnapshot): SnapshotItem {
  const parsed = AlpacaOptionSnapshotItem.safeParse(item);
  if (!parsed.success) throw new InvalidRecordError(`${occSymbol}: ${issues(parsed.error)}`);
  return parsed.data;
}

/** UTC micros as the file format's RFC-3339 with microseconds, which parseTimestamp reads exactly. */
function rfc3339(us: number): string {
  const ms = Math.floor(us / MICROS_PER_MS);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(us - Math.floor(ms / 1000) * 1_000_000).padStart(6, '0')}Z`;
}

const COLUMNS = ['contractSymbol', 'lastTradeDate', 'strike', 'lastPrice', 'bid', 'ask', 'volume', 'openInterest', 'impliedVolatility', 'optionType', 'delta', 'gamma', 'theta', 'vega', 'rho'];

/** A snapshot as one row of the chain-file columns; every value is a number, a time or an OCC symbol, so no quoting is needed. */
function chainRow(occSymbol: string, s: SnapshotItem): string {
  const contract = parseOccSymbol(occSymbol);
  const number = (v: number | null | undefined) => (v === null || v === undefined ? '' : plainDecimal(v));
  const trade = s.latestTrade;
  const greeks = s.greeks ? [s.greeks.delta, s.greeks.gamma, s.greeks.theta, s.greeks.vega, s.greeks.rho].map(String) : ['', '', '', '', ''];
  return [
    occSymbol, trade ? rfc3339(alpacaRestTimeMicros(trade.t)) : '', contract.strike, number(trade?.p), number(s.latestQuote?.bp),
    number(s.latestQuote?.ap), number(s.dailyBar?.v), '', s.impliedVolatility === null || s.impliedVolatility === undefined ? '' : String(s.impliedVolatility),
    contract.type, ...greeks,
  ].join(',');
}

function latestTime(items: readonly SnapshotItem[]): number | undefined {
  const times = items.flatMap((s) => [s.latestQuote?.t, s.latestTrade?.t]).filter((t): t is string => t !== undefined).map(alpacaRestTimeMicros);
  return times.length === 0 ? undefined : times.reduce((a, b) => Math.max(a, b));
}

/**
 * A whole chain (every page of one underlying) to option quotes. Fields map one to one (bid bp,
 * ask ap, last and its time from latestTrade, volume from dailyBar.v, IV and greeks as given);
 * open interest and the underlying price are null, Alpaca's snapshot has neither. Greeks Alpaca
 * lacks are computed exactly as for the chain file: the snapshot is handed to parseOptionChainCsv
 * (chain-snapshot.ts) in its columns, so the pricing rule (Black-Scholes-Merton from the given IV,
 * spot by put-call parity per expiry, theta per day, vega and rho per point) has one implementation.
 * Bad contracts are returned with their reason, never dropped.
 */
export function mapAlpacaOptionChain(snapshots: readonly AlpacaOptionSnapshot[], options: AlpacaOptionChainOptions): AlpacaOptionChain {
  const rejected: AlpacaOptionRejection[] = [];
  const accepted: { snapshot: AlpacaOptionSnapshot; row: string; item: SnapshotItem }[] = [];
  for (const snapshot of snapshots) {
    try {
      const item = parseSnapshot(snapshot);
      accepted.push({ snapshot, item, row: chainRow(snapshot[0], item) });
    } catch (err) {
      rejected.push({ occSymbol: snapshot[0], item: snapshot[1], reason: (err as Error).message });
    }
  }
  const snapshotTime = options.snapshotTime ?? latestTime(accepted.map((a) => a.item)) ?? options.ingestTime;
  if (accepted.length === 0) return { quotes: [], rejected, snapshotTime };
  const csv = [COLUMNS.join(','), ...accepted.map((a) => a.row)].join('\n');
  const chain = parseOptionChainCsv(csv, { ...options, snapshotTime }, 'Alpaca option snapshots');
  // Row i of the accepted list is line i + 2 of the text (one header line, no multi-line fields).
  for (const r of chain.rejected) {
    const [occSymbol, item] = accepted[r.line - 2].snapshot;
    rejected.push({ occSymbol, item, reason: `${occSymbol}: ${r.reason.replace(/^Alpaca option snapshots line \d+: /, '')}` });
  }
  return { quotes: chain.quotes, rejected, snapshotTime };
}
