import { newYorkMidnightUs } from './adjustment-schedule';
import { tradingDay } from './exchange-calendar';
import { newYorkDate } from './session-gaps';

// How far back the preprocessor remembers the bar versions it passed on: a number of NYSE
// trading days counted back from the series' newest bar, so a Monday remembers the week before it
// and a holiday costs nothing. Measured in event time, not wall time, so a replay of history
// decides exactly as the live run did.

const CACHE_LIMIT = 4096;
const startByDay = new Map<string, number>();

function previousDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The first New York date of the window holding `tradingDays` trading days up to and including
 * `date` (a non-trading `date`, a Saturday of a 24-hour series, counts as no day but stays in).
 */
export function horizonFirstDate(date: string, tradingDays: number): string {
  let first = date;
  let counted = tradingDay(date).open ? 1 : 0;
  while (counted < tradingDays) {
    first = previousDate(first);
    if (tradingDay(first).open) counted++;
  }
  return first;
}

/**
 * A series' horizon as RevisionSeries takes it: the newest bar's time -> the earliest event time
 * still remembered, New York midnight of the window's first date. Memoised per date (bounded):
 * it runs for every bar the preprocessor decides.
 */
export function tradingDayHorizon(tradingDays: number): (newestUs: number) => number {
  if (!(Number.isSafeInteger(tradingDays) && tradingDays > 0)) throw new RangeError(`tradingDays ${tradingDays} must be a whole number > 0`);
  return (newestUs) => {
    const date = newYorkDate(newestUs);
    const key = `${tradingDays}|${date}`;
    let start = startByDay.get(key);
    if (start === undefined) {
      if (startByDay.size >= CACHE_LIMIT) startByDay.clear();
      start = newYorkMidnightUs(horizonFirstDate(date, tradingDays));
      startByDay.set(key, start);
    }
    return start;
  };
}
