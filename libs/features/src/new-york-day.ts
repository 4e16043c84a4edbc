import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, newYorkDate, newYorkMicros, nextDate, sessionWindow } from '@md/market';

/** A New York calendar date in UTC micros: its midnight-to-midnight span and its regular session. */
export interface NewYorkDay {
  date: string;
  startUs: number;
  endUs: number;
  /** Regular session by the exchange calendar (13:00 close on early-close days); open = close = 0 when the market is closed. */
  openUs: number;
  closeUs: number;
}

const REGULAR_OPEN = 9 * 60 + 30;
const REGULAR_CLOSE = 16 * 60;
const DAY_CACHE_LIMIT = 10_000;

/** The regular session of a date: the calendar's within its years, else the clock's (weekdays 09:30-16:00), as sessionAt does. */
function regularSession(date: string): { startUs: number; endUs: number } | null {
  const year = Number(date.slice(0, 4));
  if (year >= CALENDAR_FIRST_YEAR && year <= CALENDAR_LAST_YEAR) return sessionWindow(date);
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6 ? null : { startUs: newYorkMicros(date, REGULAR_OPEN), endUs: newYorkMicros(date, REGULAR_CLOSE) };
}

const dayCache = new Map<string, NewYorkDay>();

/**
 * The New York date holding an instant, memoised per date with a bound: every key of every
 * symbol crosses the same dates, and luxon's zone arithmetic is the slow part of a bar update.
 * Callers keep the last day and call this only when an instant leaves [startUs, endUs).
 */
export function newYorkDay(eventTimeUs: number): NewYorkDay {
  const date = newYorkDate(eventTimeUs);
  let day = dayCache.get(date);
  if (day === undefined) {
    if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
    const session = regularSession(date);
    day = { date, startUs: newYorkMicros(date, 0), endUs: newYorkMicros(nextDate(date), 0), openUs: session?.startUs ?? 0, closeUs: session?.endUs ?? 0 };
    dayCache.set(date, day);
  }
  return day;
}

/** The day of `eventTimeUs`, reusing `last` when the instant still falls in it. */
export function sameOrNextDay(last: NewYorkDay | null, eventTimeUs: number): NewYorkDay {
  return last !== null && eventTimeUs >= last.startUs && eventTimeUs < last.endUs ? last : newYorkDay(eventTimeUs);
}
