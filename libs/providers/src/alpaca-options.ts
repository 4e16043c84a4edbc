import { z } from 'zod';
import { parseDecimal, plainDecimal } from '@md/market';
import { InvalidRecordError, type OptionQuoteRecord } from '@md/contracts';
import { type ChainRow, type ChainSnapshotOptions, type OccSymbol, formatOccSymbol, parseOccSymbol, priceOptionChain } from '@md/options';
import { alpacaRestTimeMicros } from './alpaca-rest';
import { parseEnvelope, zodReason } from './zod-reason';

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
  quotes: OptionQuoteRecord[];
  rejected: AlpacaOptionRejection[];
  snapshotTime: number;
}

export type AlpacaOptionChainOptions = Omit<ChainSnapshotOptions, 'snapshotTime'> & {
  /** When the snapshot was taken, UTC micros; default: its latest quote or trade, else ingestTime. */
  readonly snapshotTime?: number;
};

/** The envelope of one page; a malformed envelope fails the page (it is not one contract's fault). */
export function parseAlpacaOptionChainPage(body: unknown): AlpacaOptionChainPage {
  const page = parseEnvelope(AlpacaOptionSnapshotsPage, body, 'option snapshots', 'snapshot');
  return { snapshots: Object.entries(page.snapshots ?? {}), nextPageToken: page.next_page_token ?? null };
}

type SnapshotItem = z.infer<typeof AlpacaOptionSnapshotItem>;

/** A snapshot that passed its schema, with its contract and last trade time read. */
interface ReadSnapshot {
  snapshot: AlpacaOptionSnapshot;
  item: SnapshotItem;
  contract: OccSymbol;
  lastTradeTime: number | null;
}

function readSnapshot(snapshot: AlpacaOptionSnapshot): ReadSnapshot {
  const [occSymbol, item] = snapshot;
  const parsed = AlpacaOptionSnapshotItem.safeParse(item);
  if (!parsed.success) throw new InvalidRecordError(`${occSymbol}: ${zodReason(parsed.error, 'snapshot')}`);
  const trade = parsed.data.latestTrade;
  return { snapshot, item: parsed.data, contract: parseOccSymbol(occSymbol), lastTradeTime: trade ? alpacaRestTimeMicros(trade.t) : null };
}

/** A traded price as the chain file reads one: exact at the price scale or rejected. */
function decimal(value: number | undefined): string | null {
  return value === undefined ? null : parseDecimal(plainDecimal(value));
}

/** The day's volume, a whole number a record can hold exactly. */
function volume(value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!Number.isSafeInteger(value)) throw new InvalidRecordError(`volume ${JSON.stringify(plainDecimal(value))} is not a whole number >= 0`);
  return value;
}

/** A snapshot as a chain row for priceOptionChain: the fields Alpaca gives, its greeks if it gave them. */
function chainRow({ item: s, contract, lastTradeTime }: ReadSnapshot, options: AlpacaOptionChainOptions): ChainRow {
  const quote: OptionQuoteRecord = {
    occSymbol: formatOccSymbol(contract), underlying: contract.root, expiry: contract.expiry, strike: contract.strike, optionType: contract.type,
    snapshotTime: 0, // set by priceOptionChain
    lastTradeTime,
    bid: decimal(s.latestQuote?.bp),
    ask: decimal(s.latestQuote?.ap),
    last: decimal(s.latestTrade?.p),
    volume: volume(s.dailyBar?.v),
    openInterest: null,
    impliedVolatility: s.impliedVolatility ?? null,
    underlyingPrice: null,
    ...(s.greeks ?? { delta: null, gamma: null, theta: null, vega: null, rho: null }),
    greeksSource: s.greeks ? 'provider' : null,
    provider: options.provider,
    ingestTime: options.ingestTime,
  };
  return { quote, inTheMoney: null };
}

function latestTime(items: readonly SnapshotItem[]): number | undefined {
  const times = items.flatMap((s) => [s.latestQuote?.t, s.latestTrade?.t]).filter((t): t is string => t !== undefined).map(alpacaRestTimeMicros);
  return times.length === 0 ? undefined : times.reduce((a, b) => Math.max(a, b));
}

/**
 * A whole chain (every page of one underlying) to option quotes. Fields map one to one (bid bp,
 * ask ap, last and its time from latestTrade, volume from dailyBar.v, IV and greeks as given);
 * open interest and the underlying price are null, Alpaca's snapshot has neither. Greeks Alpaca
 * lacks are computed by priceOptionChain (chain-snapshot.ts), as for the chain file, so the
 * pricing rule (Black-Scholes-Merton from the given IV, spot by put-call parity per expiry, theta
 * per day, vega and rho per point) has one implementation. Bad contracts are returned with their
 * reason, never dropped: those failing their schema, contract or time first, then those whose
 * values a record cannot hold or that repeat a contract (pages that overlap).
 */
export function mapAlpacaOptionChain(snapshots: readonly AlpacaOptionSnapshot[], options: AlpacaOptionChainOptions): AlpacaOptionChain {
  const rejected: AlpacaOptionRejection[] = [];
  const read: ReadSnapshot[] = [];
  for (const snapshot of snapshots) {
    try {
      read.push(readSnapshot(snapshot));
    } catch (err) {
      rejected.push({ occSymbol: snapshot[0], item: snapshot[1], reason: (err as Error).message });
    }
  }
  const snapshotTime = options.snapshotTime ?? latestTime(read.map((r) => r.item)) ?? options.ingestTime;
  const rows: ChainRow[] = [];
  const seen = new Set<string>();
  for (const r of read) {
    const [occSymbol, item] = r.snapshot;
    try {
      const row = chainRow(r, options);
      if (seen.has(row.quote.occSymbol)) throw new InvalidRecordError(`${row.quote.occSymbol} repeats an earlier snapshot; a snapshot lists a contract once`);
      seen.add(row.quote.occSymbol);
      rows.push(row);
    } catch (err) {
      rejected.push({ occSymbol, item, reason: `${occSymbol}: ${(err as Error).message}` });
    }
  }
  return { quotes: priceOptionChain(rows, options, snapshotTime), rejected, snapshotTime };
}
