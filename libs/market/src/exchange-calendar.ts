import { DateTime } from 'luxon';
import type { CalendarOverrides } from './calendar-overrides';
import { type EarlyClose, earlyCloseOf } from './exchange-calendar-early-closes';

// NYSE/Nasdaq trading calendar, 1990-2035, by rule (NYSE Rule 7.2 holidays and its observance
// rules) plus tables of one-off closures and early closes, and the runtime overrides. Dates are
// New York calendar dates, 'YYYY-MM-DD'. Checked day by day against the independent reference
// fixtures/calendar/nyse-1990-2035.csv (exchange-calendar-history.spec.ts).
export const CALENDAR_FIRST_YEAR = 1990;
export const CALENDAR_LAST_YEAR = 2035;

/**
 * Unscheduled full-day closures (national days of mourning, weather, 9/11): the NYSE closings
 * history, pandas_market_calendars and exchange_calendars; 2025-01-09 by NYSE/ICE release of 2024-12-31.
 */
export const SPECIAL_CLOSURES: Readonly<Record<string, string>> = {
  '1994-04-27': 'National Day of Mourning (Richard Nixon)',
  '2001-09-11': 'September 11 attacks', '2001-09-12': 'September 11 attacks',
  '2001-09-13': 'September 11 attacks', '2001-09-14': 'September 11 attacks',
  '2004-06-11': 'National Day of Mourning (Ronald Reagan)',
  '2007-01-02': 'National Day of Mourning (Gerald Ford)',
  '2012-10-29': 'Hurricane Sandy', '2012-10-30': 'Hurricane Sandy',
  '2018-12-05': 'National Day of Mourning (George H. W. Bush)',
  '2025-01-09': 'National Day of Mourning (Jimmy Carter)',
};

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const weekday = (y: number, m: number, d: number) => DateTime.utc(y, m, d).weekday; // 1 = Monday … 7 = Sunday

/** The n-th given weekday of a month (n = -1: the last). */
function nthWeekday(y: number, m: number, wd: number, n: number): string {
  if (n > 0) {
    const first = weekday(y, m, 1);
    return iso(y, m, 1 + ((wd - first + 7) % 7) + 7 * (n - 1));
  }
  const lastDay = DateTime.utc(y, m, 1).daysInMonth!;
  const last = weekday(y, m, lastDay);
  return iso(y, m, lastDay - ((last - wd + 7) % 7));
}

/** Easter Sunday, Gregorian (Anonymous Gregorian algorithm, "Meeus/Jones/Butcher"). */
function easter(y: number): DateTime {
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return DateTime.utc(y, month, ((h + l - 7 * m + 114) % 31) + 1);
}

/** A fixed-date holiday moved off the weekend: Saturday to Friday, Sunday to Monday (Rule 7.2). */
function observed(y: number, m: number, d: number): string {
  const wd = weekday(y, m, d);
  const date = DateTime.utc(y, m, d).plus({ days: wd === 6 ? -1 : wd === 7 ? 1 : 0 });
  return date.toISODate()!;
}

const cache = new Map<number, ReadonlyMap<string, string>>();

/** Full-day holidays of a year: date -> name. */
export function holidays(year: number): ReadonlyMap<string, string> {
  if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) {
    throw new RangeError(`the exchange calendar covers ${CALENDAR_FIRST_YEAR}-${CALENDAR_LAST_YEAR}, not ${year}`);
  }
  const hit = cache.get(year);
  if (hit) return hit;
  const h = new Map<string, string>();
  // New Year's Day: Sunday moves to Monday; a Saturday one is not observed on the Friday
  // before, which would fall in the previous year (NYSE Rule 7.2).
  if (weekday(year, 1, 1) !== 6) h.set(observed(year, 1, 1), "New Year's Day");
  if (year >= 1998) h.set(nthWeekday(year, 1, 1, 3), 'Martin Luther King Jr. Day'); // NYSE closes for it since 1998
  h.set(nthWeekday(year, 2, 1, 3), "Washington's Birthday");
  h.set(easter(year).minus({ days: 2 }).toISODate()!, 'Good Friday');
  h.set(nthWeekday(year, 5, 1, -1), 'Memorial Day');
  if (year >= 2022) h.set(observed(year, 6, 19), 'Juneteenth');
  h.set(observed(year, 7, 4), 'Independence Day');
  h.set(nthWeekday(year, 9, 1, 1), 'Labor Day');
  h.set(nthWeekday(year, 11, 4, 4), 'Thanksgiving Day');
  h.set(observed(year, 12, 25), 'Christmas Day');
  for (const [date, name] of Object.entries(SPECIAL_CLOSURES)) if (date.startsWith(`${year}-`)) h.set(date, name);
  for (const [date, reason] of overrides.closures) if (date.startsWith(`${year}-`)) h.set(date, reason);
  cache.set(year, h);
  return h;
}

export interface TradingDay {
  date: string;
  open: boolean;
  /** Why the market is closed (weekend or the holiday's name). */
  closedFor: string | null;
  /**
   * The regular session ends before 16:00: the scheduled 13:00 closes (14:00 before 1993) around
   * Independence Day, Thanksgiving and Christmas, the one-offs, and the overrides; closeMinute says when.
   */
  earlyClose: boolean;
  /** Minutes after New York midnight: regular open and close. */
  openMinute: number;
  closeMinute: number;
}

const REGULAR_OPEN = 9 * 60 + 30;
const REGULAR_CLOSE = 16 * 60;

interface OverrideIndex {
  closures: ReadonlyMap<string, string>;
  earlyCloses: ReadonlyMap<string, EarlyClose>;
}

const NO_OVERRIDES: OverrideIndex = { closures: new Map(), earlyCloses: new Map() };
let overrides = NO_OVERRIDES;

const DAY_CACHE_LIMIT = 20_000;
const dayCache = new Map<string, TradingDay>();

/** The NYSE day of a New York date; memoised (bounded, frozen): sessions and detectors ask per bar. */
export function tradingDay(date: string): TradingDay {
  let day = dayCache.get(date);
  if (!day) {
    if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
    day = Object.freeze(computeTradingDay(date));
    dayCache.set(date, day);
  }
  return day;
}

/** The first NYSE trading day after `date` (YYYY-MM-DD), e.g. the ex-date after a LEAN factor-file row. */
export function nextTradingDay(date: string): string {
  let day = DateTime.fromISO(date, { zone: 'utc' });
  do day = day.plus({ days: 1 });
  while (!tradingDay(day.toISODate()!).open);
  return day.toISODate()!;
}

/** `date` if NYSE trades then, else the next trading day: the first session an event dated then can touch. */
export const tradingDayOnOrAfter = (date: string): string => (tradingDay(date).open ? date : nextTradingDay(date));

/**
 * Applies a validated overrides document (parseCalendarOverrides) on top of the rules: its closures
 * close the day for their reason, its early closes end the session at closeTime (replacing a
 * scheduled early close). null removes them. Clears the memo caches; call it at boot, before other
 * memoised results (revision-horizon.ts keeps its own) are built from the calendar.
 */
export function setCalendarOverrides(next: CalendarOverrides | null): void {
  overrides = !next ? NO_OVERRIDES : {
    closures: new Map(next.closures.map((c) => [c.date, c.reason])),
    earlyCloses: new Map(next.earlyCloses.map((e) => [e.date, { closeMinute: Number(e.closeTime.slice(0, 2)) * 60 + Number(e.closeTime.slice(3, 5)), reason: e.reason }])),
  };
  cache.clear();
  dayCache.clear();
}

function computeTradingDay(date: string): TradingDay {
  const [y, m, d] = date.split('-').map(Number);
  const wd = weekday(y, m, d);
  const holiday = holidays(y).get(date) ?? null;
  const closedFor = wd > 5 ? 'weekend' : holiday;
  const dayAfterThanksgiving = DateTime.fromISO(nthWeekday(y, 11, 4, 4), { zone: 'utc' }).plus({ days: 1 }).toISODate()!;
  const early = closedFor ? null : overrides.earlyCloses.get(date) ?? earlyCloseOf(date, wd, dayAfterThanksgiving);
  return { date, open: !closedFor, closedFor, earlyClose: early !== null, openMinute: REGULAR_OPEN, closeMinute: early?.closeMinute ?? REGULAR_CLOSE };
}
