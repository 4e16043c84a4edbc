import { InvalidRecordError, type OptionQuoteRecord } from '@md/contracts';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { MICROS_PER_MS, compareDecimal, parseDecimal, parseTimestamp } from '@md/market';
import { optionGreeks, type Greeks } from './black-scholes';
import { formatOccSymbol, parseOccSymbol } from './occ-symbol';
import { paritySpot, type ParityQuote } from './underlying-spot';

// A chain snapshot's contracts are OptionQuoteRecords of md.options.chain.v1 (libs/contracts,
// schemas/md.options.chain.v1.avsc; the options_chain table stores them).
export type GreeksSource = NonNullable<OptionQuoteRecord['greeksSource']>;

export interface ChainSnapshotOptions {
  readonly provider: string;
  /** Continuously compounded risk-free rate per year (0.053 = 5.3%), from configuration. */
  readonly riskFreeRate: number;
  /** Continuous dividend yield per underlying; absent means 0. */
  readonly dividendYields?: Readonly<Record<string, number>>;
  /** When the snapshot was taken, UTC micros; default: the latest last-trade time in the file. */
  readonly snapshotTime?: number;
  readonly ingestTime: number;
}

export interface RejectedRow {
  readonly line: number;
  readonly raw: string;
  readonly reason: string;
}

export interface ChainSnapshot {
  readonly quotes: OptionQuoteRecord[];
  readonly rejected: RejectedRow[];
  readonly snapshotTime: number;
}

const REQUIRED_COLUMNS = ['contractSymbol', 'lastTradeDate', 'strike', 'lastPrice', 'bid', 'ask', 'volume', 'openInterest', 'impliedVolatility', 'optionType'];
const GREEK_COLUMNS = ['delta', 'gamma', 'theta', 'vega', 'rho'] as const;
/** Yahoo writes 1e-5 when its own solver failed; a volatility under 0.1% prices nothing real. */
const MIN_USABLE_VOLATILITY = 0.001;
const MS_PER_YEAR = 365 * 86_400_000;

/**
 * One contract of a chain as its source gives it, before pricing: greeks are the source's
 * (greeksSource 'provider') or all null, and snapshotTime is set by priceOptionChain.
 */
export interface ChainRow {
  readonly quote: OptionQuoteRecord;
  /** The source's in-the-money flag, if it has one: parity brackets the spot between strikes by it. */
  readonly inTheMoney: boolean | null;
}

type Fields = Readonly<Record<string, string | undefined>>;

function optionalDecimal(fields: Fields, column: string): string | null {
  const text = fields[column]?.trim() ?? '';
  if (text === '') return null;
  const value = parseDecimal(text);
  if (value.startsWith('-')) throw new InvalidRecordError(`${column} ${text} is negative`);
  return value;
}

/** Counts as floats ("12.0" from pandas) must still be whole. */
function optionalCount(fields: Fields, column: string): number | null {
  const text = fields[column]?.trim() ?? '';
  if (text === '') return null;
  const value = Number(text);
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new InvalidRecordError(`${column} ${JSON.stringify(text)} is not a whole number >= 0`);
  return value;
}

function optionalNumber(fields: Fields, column: string): number | null {
  const text = fields[column]?.trim() ?? '';
  if (text === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new InvalidRecordError(`${column} ${JSON.stringify(text)} is not a number`);
  return value;
}

function optionalFlag(text: string | undefined): boolean | null {
  const t = text?.trim().toLowerCase() ?? '';
  if (['1', '1.0', 'true'].includes(t)) return true;
  return ['0', '0.0', 'false'].includes(t) ? false : null;
}

function providerGreeks(fields: Fields): Greeks | null {
  const values = GREEK_COLUMNS.map((c) => optionalNumber(fields, c));
  if (values.some((v) => v === null)) return null;
  const [delta, gamma, theta, vega, rho] = values as number[];
  return { delta, gamma, theta, vega, rho };
}

function contract(fields: Fields): Pick<OptionQuoteRecord, 'occSymbol' | 'underlying' | 'expiry' | 'strike' | 'optionType'> {
  const occ = parseOccSymbol(fields.contractSymbol?.trim() ?? '');
  if (fields.optionType?.trim() !== occ.type) throw new InvalidRecordError(`optionType ${JSON.stringify(fields.optionType)} disagrees with the OCC symbol's ${occ.type}`);
  if (compareDecimal(parseDecimal(fields.strike ?? ''), occ.strike) !== 0) throw new InvalidRecordError(`strike ${fields.strike} disagrees with the OCC symbol's ${occ.strike}`);
  return { occSymbol: formatOccSymbol(occ), underlying: occ.root, expiry: occ.expiry, strike: occ.strike, optionType: occ.type };
}

function toRow(fields: Fields, options: ChainSnapshotOptions): ChainRow {
  const volatility = optionalNumber(fields, 'impliedVolatility');
  if (volatility !== null && volatility < 0) throw new InvalidRecordError(`impliedVolatility ${volatility} is negative`);
  const greeks = providerGreeks(fields);
  const lastTrade = fields.lastTradeDate?.trim();
  const quote: OptionQuoteRecord = {
    ...contract(fields),
    snapshotTime: 0, // set once the whole file is read
    lastTradeTime: lastTrade ? parseTimestamp(lastTrade, undefined) : null,
    bid: optionalDecimal(fields, 'bid'),
    ask: optionalDecimal(fields, 'ask'),
    last: optionalDecimal(fields, 'lastPrice'),
    volume: optionalCount(fields, 'volume'),
    openInterest: optionalCount(fields, 'openInterest'),
    impliedVolatility: volatility,
    underlyingPrice: optionalDecimal(fields, 'underlyingPrice'),
    ...(greeks ?? { delta: null, gamma: null, theta: null, vega: null, rho: null }),
    greeksSource: greeks ? 'provider' : null,
    provider: options.provider,
    ingestTime: options.ingestTime,
  };
  return { quote, inTheMoney: optionalFlag(fields.inTheMoney) };
}

type CsvRow = { record: string[]; raw: string; info: { lines: number } };

function readCsv(text: string, source: string): CsvRow[] {
  try {
    return parse(text, { info: true, raw: true, relax_column_count: true, skip_empty_lines: true }) as unknown as CsvRow[];
  } catch (err) {
    throw new InvalidRecordError(`${source}: ${(err as Error).message}`, err);
  }
}

function readRows(text: string, options: ChainSnapshotOptions, source: string): { rows: ChainRow[]; rejected: RejectedRow[] } {
  const [header, ...records] = readCsv(text, source);
  const missing = REQUIRED_COLUMNS.filter((c) => !header?.record.includes(c));
  if (missing.length > 0) throw new InvalidRecordError(`${source}: header lacks ${missing.join(', ')}; expected a Yahoo-style chain with ${REQUIRED_COLUMNS.join(',')}`);
  const rows: ChainRow[] = [];
  const rejected: RejectedRow[] = [];
  const lineOf = new Map<string, number>();
  for (const { record, raw, info } of records) {
    try {
      if (record.length !== header.record.length) throw new InvalidRecordError(`${record.length} fields, the header has ${header.record.length}`);
      const row = toRow(Object.fromEntries(header.record.map((c, i) => [c, record[i]])), options);
      const first = lineOf.get(row.quote.occSymbol);
      if (first !== undefined) throw new InvalidRecordError(`${row.quote.occSymbol} repeats line ${first}; a snapshot lists a contract once`);
      lineOf.set(row.quote.occSymbol, info.lines);
      rows.push(row);
    } catch (err) {
      rejected.push({ line: info.lines, raw: raw.trim(), reason: `${source} line ${info.lines}: ${(err as Error).message}` });
    }
  }
  return { rows, rejected };
}

/** The default snapshot time: the latest trade in the file (the snapshot cannot predate it). */
function latestTrade(rows: readonly ChainRow[], source: string): number {
  const times = rows.map((r) => r.quote.lastTradeTime).filter((t): t is number => t !== null);
  if (times.length === 0) throw new InvalidRecordError(`${source}: no lastTradeDate to date the snapshot by; pass snapshotTime`);
  return times.reduce((a, b) => Math.max(a, b));
}

/** Equity options stop trading at 4:00 pm New York on expiration day (OCC, standard expirations). */
function yearsToExpiry(expiry: string, snapshotTime: number): number {
  const close = DateTime.fromISO(`${expiry}T16:00`, { zone: 'America/New_York' }).toMillis();
  return (close - snapshotTime / MICROS_PER_MS) / MS_PER_YEAR;
}

function parityQuote(r: ChainRow): ParityQuote {
  const number = (d: string | null) => (d === null ? null : Number(d));
  return { type: r.quote.optionType, strike: Number(r.quote.strike), bid: number(r.quote.bid), ask: number(r.quote.ask), inTheMoney: r.inTheMoney };
}

/** Fills greeks the source lacks for one (underlying, expiry) group, from its parity spot. */
function withComputedGreeks(group: readonly ChainRow[], options: Omit<ChainSnapshotOptions, 'snapshotTime'>, snapshotTime: number): OptionQuoteRecord[] {
  const { underlying, expiry } = group[0].quote;
  const inputs = { rate: options.riskFreeRate, dividendYield: options.dividendYields?.[underlying] ?? 0, years: yearsToExpiry(expiry, snapshotTime) };
  const given = group.find((r) => r.quote.underlyingPrice !== null)?.quote.underlyingPrice ?? null;
  const derived = given === null && inputs.years > 0 ? paritySpot(group.map(parityQuote), inputs) : null;
  // Greeks use the spot exactly as recorded, so a consumer can reproduce them from the record.
  const underlyingPrice = given ?? (derived === null ? null : parseDecimal(derived.toFixed(8)));
  const spot = underlyingPrice === null ? null : Number(underlyingPrice);
  return group.map(({ quote }) => {
    const q = { ...quote, snapshotTime, underlyingPrice: quote.underlyingPrice ?? underlyingPrice };
    const volatility = q.impliedVolatility ?? 0;
    if (q.greeksSource !== null || spot === null || inputs.years <= 0 || volatility < MIN_USABLE_VOLATILITY) return q;
    const greeks = optionGreeks({ ...inputs, type: q.optionType, spot, strike: Number(q.strike), volatility });
    return { ...q, ...greeks, greeksSource: 'computed' as const };
  });
}

function groupByExpiry(rows: readonly ChainRow[]): ChainRow[][] {
  const groups = new Map<string, ChainRow[]>();
  for (const r of rows) {
    const key = `${r.quote.underlying}|${r.quote.expiry}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

/**
 * Parses a Yahoo-style chain snapshot CSV (contractSymbol,lastTradeDate,strike,lastPrice,bid,
 * ask,volume,openInterest,impliedVolatility,inTheMoney,optionType, extra columns ignored).
 * Bad rows are returned with their line and reason, never dropped; output keeps file order.
 * Greeks: the provider's when the file has delta..rho, else Black-Scholes-Merton from the given
 * IV, the spot (the file's underlyingPrice column, else put-call parity per underlying and
 * expiry), `riskFreeRate`, the dividend yield and the time to the 4 pm expiry; else null.
 */
export function parseOptionChainCsv(text: string, options: ChainSnapshotOptions, source = 'option chain CSV'): ChainSnapshot {
  const { rows, rejected } = readRows(text, options, source);
  const snapshotTime = options.snapshotTime ?? latestTrade(rows, source);
  return { quotes: priceOptionChain(rows, options, snapshotTime), rejected, snapshotTime };
}

/**
 * A chain's quotes, priced as of `snapshotTime`, in the order given: each gets snapshotTime and,
 * per underlying and expiry, the spot (a row's underlyingPrice, else put-call parity); greeks the
 * source lacks are Black-Scholes-Merton from the given IV, that spot, `riskFreeRate`, the dividend
 * yield and the time to the 4 pm expiry, else stay null. Rows must list each contract once.
 */
export function priceOptionChain(rows: readonly ChainRow[], options: Omit<ChainSnapshotOptions, 'snapshotTime'>, snapshotTime: number): OptionQuoteRecord[] {
  const priced = new Map(groupByExpiry(rows).flatMap((g) => withComputedGreeks(g, options, snapshotTime)).map((q) => [q.occSymbol, q]));
  return rows.map((r) => priced.get(r.quote.occSymbol)!);
}
