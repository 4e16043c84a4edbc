import { DateTime } from 'luxon';
import type { Session } from '@md/contracts';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, tradingDay } from './exchange-calendar';
import { MICROS_PER_MS } from './time';

// US equity sessions in America/New_York: pre 04:00-09:30, regular 09:30-16:00,
// post 16:00-20:00 (NYSE Rule 7.34 trading sessions). Weekends are CLOSED.
// sessionAt adds the exchange calendar (holidays, 13:00 early closes, after which the post-market
// runs to 17:00); sessionByClock is the clock alone, used outside the calendar's years.
const PRE_OPEN = 4 * 60;
const REGULAR_OPEN = 9 * 60 + 30;
const REGULAR_CLOSE = 16 * 60;
const POST_CLOSE = 20 * 60;

const HOUR_MS = 3_600_000;
const OFFSET_CACHE_LIMIT = 100_000;
const offsetByHour = new Map<number, number>();

/** New York's UTC offset in minutes for the hour holding `ms`; DST changes on the hour, so per-hour caching is exact. */
function newYorkOffsetMinutes(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    if (offsetByHour.size >= OFFSET_CACHE_LIMIT) offsetByHour.clear();
    offset = DateTime.fromMillis(hour * HOUR_MS, { zone: 'America/New_York' }).offset;
    offsetByHour.set(hour, offset);
  }
  return offset;
}

/** New York wall clock of a UTC-micros instant: calendar date, minute of day, weekday (0 = Sunday). */
function newYorkClock(eventTimeUs: number): { date: string; year: number; minute: number; weekday: number } {
  const ms = Math.floor(eventTimeUs / MICROS_PER_MS);
  const local = new Date(ms + newYorkOffsetMinutes(ms) * 60_000);
  return {
    date: local.toISOString().slice(0, 10),
    year: local.getUTCFullYear(),
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
    weekday: local.getUTCDay(),
  };
}

function sessionOfMinute(minute: number, openMinute: number, closeMinute: number, postClose: number): Session {
  if (minute < PRE_OPEN || minute >= postClose) return 'CLOSED';
  if (minute < openMinute) return 'PRE';
  if (minute < closeMinute) return 'REGULAR';
  return 'POST';
}

export function sessionByClock(eventTimeUs: number): Session {
  const clock = newYorkClock(eventTimeUs);
  if (clock.weekday === 0 || clock.weekday === 6) return 'CLOSED';
  return sessionOfMinute(clock.minute, REGULAR_OPEN, REGULAR_CLOSE, POST_CLOSE);
}

const EARLY_POST_CLOSE = 17 * 60;
const DAY_CACHE_LIMIT = 20_000;
const dayCache = new Map<string, ReturnType<typeof tradingDay>>();

/** tradingDay per date, memoised (bounded): this runs for every bar the preprocessor sees. */
function cachedTradingDay(date: string): ReturnType<typeof tradingDay> {
  let day = dayCache.get(date);
  if (!day) {
    if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
    day = tradingDay(date);
    dayCache.set(date, day);
  }
  return day;
}

/** Session of a bar start by the NYSE calendar: CLOSED on weekends, holidays and special closures. */
export function sessionAt(eventTimeUs: number): Session {
  const clock = newYorkClock(eventTimeUs);
  if (clock.year < CALENDAR_FIRST_YEAR || clock.year > CALENDAR_LAST_YEAR) return sessionByClock(eventTimeUs);
  const day = cachedTradingDay(clock.date);
  if (!day.open) return 'CLOSED';
  return sessionOfMinute(clock.minute, day.openMinute, day.closeMinute, day.earlyClose ? EARLY_POST_CLOSE : POST_CLOSE);
}
