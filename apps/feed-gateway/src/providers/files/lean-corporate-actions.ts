import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type CorporateActionRecord, InvalidRecordError } from '@md/contracts';
import { MICROS_PER_MS, assertValidRecord, cashDividendFactor, fromScaled, nextTradingDay, parseDecimal, type SymbolChange } from '@md/market';
import { parseLeanFactorFile, parseLeanMapFile, tickerChanges, tickerOn, type LeanFactorRow, type LeanMapRow } from '@md/providers';
import { asCheckpointed, type JobSink } from '@md/ingest';

// Corporate actions from QuantConnect LEAN's factor and map files (LEAN docs, Data Format >
// US Equity > Factor Files / Map Files).
// Factor file row `yyyyMMdd,price factor,split factor,reference price`: the factors apply to
// bars dated on or before the row, which is the trading day before an ex-date; the reference
// price is that day's raw close. Between a row and the next:
//   split      to/from = split factor(next) / split factor(row), a whole ratio
//   dividend   amount  = (1 - price factor(row) / price factor(next)) x reference price(row)
// (LEAN's CorporateFactorRow.Apply(Dividend): pf(row) = pf(next) x (close - dividend) / close).
// The amount is NOT rounded to cents, though LEAN's own reader does (CorporateFactorRow.
// GetDividend, decimalPlaces = 2): funds pay fractions of a cent, and cents left the shipped
// funds' factors 1.3e-4 (SPY) to 1.5e-3 (WM) off the file. It is kept at the contract's scale
// (md.corporate-actions.v1 amount is decimal(20,8)); see dividendAction for the last digit.
// LEAN adjusts with the factors as printed, 7 decimals (CorporateFactorRow.GetFileFormat), so
// the amount is the one that reproduces the printed factors: it may differ from the declared
// dividend by a few times close x 1e-7 (AAPL: up to 0.025 cents).
// With a map file (lean-map-file.ts) each action is keyed by the ticker in use on the factor-file
// row's date, the last day before the ex-date (LEAN files a company under its latest ticker): that
// is the ticker whose bars carry the close the dividend is measured on, and the one a provider
// such as Alpaca published it under then. Each ticker change becomes a SYMBOL_CHANGE action, which
// joins the tickers into one series for adjusted reads (libs/market/src/symbol-lineage.ts).

export interface DerivedActions {
  readonly actions: CorporateActionRecord[];
  /** Factor-file steps that give no valid action, with the reason (the row is the earlier one). */
  readonly rejected: { readonly row: LeanFactorRow; readonly reason: string }[];
}

export interface LeanActionOptions {
  /** The ticker the actions are keyed by: LEAN files a company's history under its current ticker. */
  readonly symbol: string;
  readonly provider: string;
  readonly ingestTime: number;
  /** Default 0; raise it to correct an earlier publication. */
  readonly revision?: number;
  /** The map file's rows: actions are keyed by the ticker in use on their row's date. */
  readonly mapRows?: readonly LeanMapRow[];
}

/** Split factors are printed to 6 significant digits in older files, so a 7:1 split reads 1 / 0.142857 = 7.000007. */
const RATIO_TOLERANCE = 1e-5;
/** Real ratios have one small term (2:1, 3:2, 1:10, 1:200); without it 355:113 would "match" pi. */
const MAX_SMALL_TERM = 10;
const MAX_RATIO_TERM = 1000;
/** md.corporate-actions.v1 amount: decimal(20,8). */
const AMOUNT_SCALE = 8;

/** The whole to:from with the smallest `from` within RATIO_TOLERANCE of `ratio`, else null. */
export function splitRatio(ratio: number): { to: number; from: number } | null {
  for (let from = 1; from <= MAX_RATIO_TERM; from++) {
    const to = Math.round(ratio * from);
    const plausible = to >= 1 && to <= MAX_RATIO_TERM && Math.min(to, from) <= MAX_SMALL_TERM;
    if (plausible && Math.abs(to / from - ratio) <= RATIO_TOLERANCE * ratio) return { to, from };
  }
  return null;
}

function record(o: LeanActionOptions, exDate: string, fields: Pick<CorporateActionRecord, 'kind' | 'ratioTo' | 'ratioFrom' | 'amount' | 'referencePrice'>): CorporateActionRecord {
  return { symbol: o.symbol, exDate, ...fields, provider: o.provider, revision: o.revision ?? 0, ingestTime: o.ingestTime };
}

function splitAction(row: LeanFactorRow, next: LeanFactorRow, exDate: string, o: LeanActionOptions): CorporateActionRecord {
  const ratio = splitRatio(next.splitFactor / row.splitFactor);
  if (!ratio) throw new InvalidRecordError(`split factor ${row.splitFactor} -> ${next.splitFactor} is no whole to:from ratio up to ${MAX_RATIO_TERM}`);
  return record(o, exDate, { kind: 'SPLIT', ratioTo: ratio.to, ratioFrom: ratio.from, amount: null, referencePrice: null });
}

/**
 * Products, over the dividends derived so far (newest first), of the file's factor ratios and of
 * the factors the platform computes from the published amounts (adjustment-schedule.ts).
 */
interface DividendDrift {
  file: number;
  platform: number;
}

/**
 * The dividend of a price-factor step, rounded to AMOUNT_SCALE places. The file's ratio is
 * rational and rarely ends within 8 places; rounding each amount alone leaves each dividend
 * factor up to 5e-9 / close off, and those errors add up over a fund's hundreds of dividends.
 * So the amount is rounded for the factor that brings the platform's product back onto the
 * file's: every row's cumulative factor then stays within one rounding (5e-9 / close) of it.
 */
function dividendAction(row: LeanFactorRow, next: LeanFactorRow, exDate: string, o: LeanActionOptions, drift: DividendDrift): { action: CorporateActionRecord; factor: number } {
  const close = row.referencePrice;
  if (!close) throw new InvalidRecordError('a dividend step needs the row\'s reference price (4-column factor file); none is given');
  const target = (row.priceFactor / next.priceFactor) * (drift.file / drift.platform);
  // Doubles err by ~1e-14 of the amount here, far below its eighth decimal.
  const units = Math.round((1 - target) * close * 10 ** AMOUNT_SCALE);
  if (units <= 0 || units >= close * 10 ** AMOUNT_SCALE) {
    throw new InvalidRecordError(`price factor ${row.priceFactor} -> ${next.priceFactor} gives a dividend of ${units} x 1e-${AMOUNT_SCALE} on a close of ${close}`);
  }
  const amount = fromScaled(BigInt(units), AMOUNT_SCALE);
  const action = record(o, exDate, { kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount, referencePrice: parseDecimal(String(close)) });
  return { action, factor: cashDividendFactor(amount, close) };
}

function stepActions(row: LeanFactorRow, next: LeanFactorRow, o: LeanActionOptions, drift: DividendDrift): CorporateActionRecord[] {
  const exDate = nextTradingDay(row.date);
  const actions: CorporateActionRecord[] = [];
  if (next.splitFactor !== row.splitFactor) actions.push(splitAction(row, next, exDate, o));
  const dividend = next.priceFactor !== row.priceFactor ? dividendAction(row, next, exDate, o, drift) : undefined;
  if (dividend) actions.push(dividend.action);
  const symbol = o.mapRows ? tickerOn(o.mapRows, row.date) : o.symbol;
  actions.forEach((a) => { a.symbol = symbol; assertValidRecord(a); });
  if (dividend) {
    // Only a published dividend counts: a rejected one must not be folded into an older one.
    drift.file *= row.priceFactor / next.priceFactor;
    drift.platform *= dividend.factor;
  }
  return actions;
}

/** Every split and dividend a factor file records, oldest first (derived newest first, as LEAN builds the file). */
export function factorFileActions(rows: readonly LeanFactorRow[], o: LeanActionOptions): DerivedActions {
  const steps: CorporateActionRecord[][] = [];
  const rejected: DerivedActions['rejected'] = [];
  const drift: DividendDrift = { file: 1, platform: 1 };
  for (let i = rows.length - 2; i >= 0; i--) {
    try {
      steps.push(stepActions(rows[i], rows[i + 1], o, drift));
    } catch (err) {
      rejected.push({ row: rows[i], reason: `factor file row ${rows[i].date}: ${(err as Error).message}` });
    }
  }
  return { actions: steps.reverse().flat(), rejected: rejected.reverse() };
}

/** A map file's ticker change as md.corporate-actions.v1 carries it: keyed by the old ticker, dated its first day under the new. */
export function symbolChangeAction(c: SymbolChange, o: LeanActionOptions): CorporateActionRecord {
  return { ...record({ ...o, symbol: c.fromSymbol }, c.effectiveDate, { kind: 'SYMBOL_CHANGE', ratioTo: null, ratioFrom: null, amount: null, referencePrice: null }), newSymbol: c.toSymbol };
}

export interface LeanCorporateActionFiles {
  /** factor_files/<ticker>.csv; the ticker names the actions unless `symbol` is given. */
  readonly factorFile: string;
  readonly mapFile?: string;
  readonly symbol?: string;
  /** Default 'lean'. */
  readonly provider?: string;
  /** Epoch ms for ingest times; injected in tests. */
  readonly now?: () => number;
}

/** A factor file's job commits once: `actions` is how many it published (with every dead letter). */
export interface FactorFilePosition {
  actions: number;
}

/** The symbol a factor file's actions are for: the one given, else the file's name (LEAN names them `<symbol>.csv`). */
export const factorFileSymbol = (factorFile: string, symbol?: string): string => symbol ?? basename(factorFile).replace(/\.csv$/i, '').toUpperCase();

/**
 * A map file's rows with its latest ticker spelled as `symbol`, the factor file's: LEAN names both
 * files by that ticker, and a symbol given in config (LEAN_SYMBOL) renames it.
 */
function mapRowsFor(text: string, source: string, symbol: string): LeanMapRow[] {
  const rows = parseLeanMapFile(text, source);
  const latest = rows.at(-1)?.ticker;
  return rows.map((r) => (r.ticker === latest ? { ...r, ticker: symbol } : r));
}

/**
 * Publishes a factor file's actions and its map file's ticker changes (one awaited batch: a
 * company has tens, not thousands) and rejects, with the reason, every step it cannot map. The
 * dead letters go first, so with a checkpointed sink all of it commits in that one batch and a
 * restart after it publishes nothing again (`published` false).
 */
export async function publishLeanCorporateActions(jobSink: JobSink<FactorFilePosition>, files: LeanCorporateActionFiles): Promise<{ actions: CorporateActionRecord[]; tickerChanges: SymbolChange[]; published: boolean }> {
  const sink = asCheckpointed(jobSink);
  const symbol = factorFileSymbol(files.factorFile, files.symbol);
  const mapRows = files.mapFile ? mapRowsFor(await readFile(files.mapFile, 'utf8'), files.mapFile, symbol) : undefined;
  const options: LeanActionOptions = { symbol, provider: files.provider ?? 'lean', ingestTime: (files.now ?? Date.now)() * MICROS_PER_MS, mapRows };
  const derived = factorFileActions(parseLeanFactorFile(await readFile(files.factorFile, 'utf8'), files.factorFile), options);
  const changes = mapRows ? tickerChanges(mapRows) : [];
  const actions = [...derived.actions, ...changes.map((c) => symbolChangeAction(c, options))].sort((a, b) => a.exDate.localeCompare(b.exDate));
  if (sink.resumeAt) return { actions, tickerChanges: changes, published: false };
  for (const r of derived.rejected) await sink.reject({ payload: JSON.stringify(r.row), reason: r.reason, source: files.factorFile });
  if (actions.length + derived.rejected.length > 0) {
    await sink.publish(actions.map((value) => ({ kind: 'corporate_action' as const, value })), { actions: actions.length });
  }
  return { actions, tickerChanges: changes, published: true };
}
