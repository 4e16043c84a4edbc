// One company's price history under the tickers it traded as. A ticker change (LEAN map file
// rows, Alpaca name_changes) ends the old ticker's period the day before its effective date and
// starts the new one on it; the chain of periods is the series that adjusted reads return, asked
// by any ticker in it. Tickers are reused (SunPower: SPWR, SPWRA from 2008-09-30, SPWR again from
// 2011-11-17; LEAN map_files/spwr.csv), so the chain is built from dated periods, never from
// ticker names alone. A ticker names the latest company that used it (LEAN names its map and
// factor files the same way): a request by a ticker reads the series of that ticker's latest period.

export interface SymbolChange {
  readonly fromSymbol: string;
  readonly toSymbol: string;
  /** First New York trading date under toSymbol, YYYY-MM-DD. */
  readonly effectiveDate: string;
}

/** A ticker's period in a series: New York dates [fromDate, toDate), null = unbounded. */
export interface SeriesSegment {
  readonly symbol: string;
  readonly fromDate: string | null;
  readonly toDate: string | null;
  /**
   * Other tickers of later periods: their adjustments (splits and dividends after this period)
   * apply to this period's bars too. A ticker's own adjustments are its own schedule.
   */
  readonly laterSymbols: readonly string[];
}

/** A chain longer than this is a data error (a loop of changes on one day); real ones have a few links. */
export const MAX_SERIES_LINKS = 64;

interface Event {
  readonly date: string;
  readonly change: SymbolChange;
  readonly into: boolean;
}

function eventsOf(symbol: string, changes: readonly SymbolChange[]): Event[] {
  const events: Event[] = [];
  for (const c of changes) {
    if (c.toSymbol === symbol) events.push({ date: c.effectiveDate, change: c, into: true });
    if (c.fromSymbol === symbol) events.push({ date: c.effectiveDate, change: c, into: false });
  }
  return events.sort((a, b) => a.date.localeCompare(b.date) || Number(a.into) - Number(b.into));
}

/** Latest event on `symbol` strictly before `date` (any kind): a period cannot reach past it. */
const lastBefore = (events: Event[], date: string): Event | undefined => events.filter((e) => e.date < date).at(-1);

/** The period of `symbol` that ends at `end` (exclusive; the ticker left then). */
function periodEndingAt(symbol: string, end: string, changes: readonly SymbolChange[]): { from: string | null; entry?: SymbolChange } {
  const before = lastBefore(eventsOf(symbol, changes), end);
  // An earlier departure means the ticker was free and then reused: the period starts no earlier.
  return { from: before?.date ?? null, entry: before?.into ? before.change : undefined };
}

/** The period of `symbol` that starts at `start`, and the change that ends it, if any. */
function periodStartingAt(symbol: string, start: string, changes: readonly SymbolChange[]): { to: string | null; exit?: SymbolChange } {
  const after = eventsOf(symbol, changes).find((e) => e.date > start);
  return { to: after?.date ?? null, exit: after && !after.into ? after.change : undefined };
}

/** The latest period of `symbol`: the one its most recent change opens or closes. */
function latestPeriod(symbol: string, changes: readonly SymbolChange[]): { from: string | null; to: string | null } {
  const last = eventsOf(symbol, changes).at(-1);
  if (!last) return { from: null, to: null };
  if (last.into) return { from: last.date, to: null };
  return { from: periodEndingAt(symbol, last.date, changes).from, to: last.date };
}

/**
 * The series `symbol` belongs to, oldest period first. Without changes it is the one ticker,
 * unbounded. `changes` may hold unrelated tickers; only the chain through `symbol` is followed.
 */
export function symbolSeries(symbol: string, changes: readonly SymbolChange[]): SeriesSegment[] {
  const latest = latestPeriod(symbol, changes);
  const periods: { symbol: string; from: string | null; to: string | null }[] = [{ symbol, ...latest }];
  for (let head = periods[0]; head.from !== null && periods.length < MAX_SERIES_LINKS;) {
    const entry = changes.find((c) => c.toSymbol === head.symbol && c.effectiveDate === head.from);
    if (!entry) break;
    head = { symbol: entry.fromSymbol, from: periodEndingAt(entry.fromSymbol, entry.effectiveDate, changes).from, to: entry.effectiveDate };
    periods.unshift(head);
  }
  for (let tail = periods.at(-1)!; tail.to !== null && periods.length < MAX_SERIES_LINKS;) {
    const exit = changes.find((c) => c.fromSymbol === tail.symbol && c.effectiveDate === tail.to);
    if (!exit) break;
    tail = { symbol: exit.toSymbol, from: exit.effectiveDate, to: periodStartingAt(exit.toSymbol, exit.effectiveDate, changes).to };
    periods.push(tail);
  }
  return periods.map((p, i) => ({
    symbol: p.symbol, fromDate: p.from, toDate: p.to,
    laterSymbols: [...new Set(periods.slice(i + 1).map((q) => q.symbol))].filter((s) => s !== p.symbol),
  }));
}
