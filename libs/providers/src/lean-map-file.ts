import { InvalidRecordError } from '@md/contracts';
import { nextTradingDay, type SymbolChange } from '@md/market';
import { leanFileDate } from './lean-format';

// QuantConnect LEAN map files (LEAN docs, Data Format > US Equity > Map Files; LEAN's MapFile /
// MapFileRow): one file per company, named by its latest ticker, rows `yyyyMMdd,ticker[,exchange]`
// oldest first. A row's ticker is the one in use up to and including its date, so the first row is
// the first date of data and a ticker change takes effect on the trading day after the row that
// ends the old ticker. A last row before 2050-12-31 marks a delisting (map_files/tfcfa.csv ends
// 2019-03-20, when Disney bought 21st Century Fox).

export interface LeanMapRow {
  readonly date: string;
  /** Upper case. */
  readonly ticker: string;
}

/** LEAN writes this date on the last row of a company that still trades. */
export const LEAN_OPEN_ENDED_DATE = '2050-12-31';

export function parseLeanMapFile(text: string, source = 'LEAN map file'): LeanMapRow[] {
  const rows = text.split(/\r?\n/).flatMap((line, i) => {
    if (line.trim() === '') return [];
    const [date, ticker] = line.split(',').map((f) => f.trim());
    if (!ticker || !/^[a-z0-9.\-]+$/i.test(ticker)) throw new InvalidRecordError(`${source} line ${i + 1}: ticker ${JSON.stringify(ticker)} is missing or malformed; expected yyyyMMdd,ticker[,exchange]`);
    return [{ date: leanFileDate(date), ticker: ticker.toUpperCase() }];
  });
  const unordered = rows.findIndex((r, i) => i > 0 && r.date <= rows[i - 1].date);
  if (unordered > 0) throw new InvalidRecordError(`${source}: row ${rows[unordered].date} is not after ${rows[unordered - 1].date}; map file rows run oldest first`);
  return rows;
}

/** The ticker changes a map file records, oldest first: the new ticker from the trading day after the old one's last row. */
export function tickerChanges(rows: readonly LeanMapRow[]): SymbolChange[] {
  return rows.slice(1).flatMap((next, i) => {
    const row = rows[i];
    return next.ticker === row.ticker ? [] : [{ fromSymbol: row.ticker, toSymbol: next.ticker, effectiveDate: nextTradingDay(row.date) }];
  });
}

/** The ticker in use on `date` (YYYY-MM-DD): the first row dated on or after it; the last one after the file's end. */
export function tickerOn(rows: readonly LeanMapRow[], date: string): string {
  if (rows.length === 0) throw new InvalidRecordError('an empty map file names no ticker');
  return (rows.find((r) => r.date >= date) ?? rows[rows.length - 1]).ticker;
}
