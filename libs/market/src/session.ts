import type { Session } from '@md/contracts';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, tradingDay } from './exchange-calendar';
import { newYorkWallClock as newYorkClock } from './new-york-clock';

// US equity sessions in America/New_York: pre 04:00-09:30, regular 09:30-16:00,
// post 16:00-20:00 (NYSE Rule 7.34 trading sessions). Weekends are CLOSED.
// sessionAt adds the exchange calendar (holidays, 13:00 early closes, after which the post-market
// runs to 17:00); sessionByClock is the clock alone, used outside the calendar's years.
const PRE_OPEN = 4 * 60;
const REGULAR_OPEN = 9 * 60 + 30;
const REGULAR_CLOSE = 16 * 60;
const POST_CLOSE = 20 * 60;

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

/** Session of a bar start by the NYSE calendar: CLOSED on weekends, holidays and special closures. */
export function sessionAt(eventTimeUs: number): Session {
  const clock = newYorkClock(eventTimeUs);
  if (clock.year < CALENDAR_FIRST_YEAR || clock.year > CALENDAR_LAST_YEAR) return sessionByClock(eventTimeUs);
  const day = tradingDay(clock.date);
  if (!day.open) return 'CLOSED';
  return sessionOfMinute(clock.minute, day.openMinute, day.closeMinute, day.earlyClose ? EARLY_POST_CLOSE : POST_CLOSE);
}
