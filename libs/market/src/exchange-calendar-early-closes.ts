// NYSE early closes, 1990-2035: the scheduled ones by rule, the historical one-offs by table.
// Checked date by date against fixtures/calendar/nyse-1990-2035.csv (see its README for the sources:
// the NYSE's closings history and holiday notices, pandas_market_calendars holidays/nyse.py and
// exchange_calendars exchange_calendar_xnys.py).

export interface EarlyClose {
  /** Minutes after New York midnight. */
  closeMinute: number;
  reason: string;
}

/** The standard early close: 14:00 until 1992, 13:00 from 1993 (NYSE closings history). */
const EARLY_CLOSE_BEFORE_1993 = 14 * 60;
const EARLY_CLOSE = 13 * 60;

const at = (hours: number, minutes: number) => hours * 60 + minutes;

/**
 * One-off early closes no rule gives, from the NYSE closings history (Stocks.NYSE-Closings.pdf,
 * as transcribed in pandas_market_calendars calendars/nyse.py) unless said otherwise.
 */
export const ONE_OFF_EARLY_CLOSES: Readonly<Record<string, EarlyClose>> = {
  '1994-02-11': { closeMinute: at(14, 30), reason: 'Snowstorm' },
  '1996-01-08': { closeMinute: at(14, 0), reason: 'Snowstorm' }, // it also opened late, at 11:00 (not modelled)
  '1997-10-27': { closeMinute: at(15, 30), reason: 'Circuit breaker triggered' },
  '1997-12-26': { closeMinute: EARLY_CLOSE, reason: 'Day after Christmas' }, // also exchange_calendars
  // The NYSE board approved a 13:00 close for the year 2000 changeover (NYSE release of 1999-04-06);
  // in exchange_calendars. The closings history's "Dec 24, 1999" entry was the observed Christmas.
  '1999-12-31': { closeMinute: EARLY_CLOSE, reason: "New Year's Eve (year 2000 changeover)" },
  '2003-12-26': { closeMinute: EARLY_CLOSE, reason: 'Day after Christmas' }, // also exchange_calendars
  '2005-06-01': { closeMinute: at(15, 56), reason: 'Systems communication problem' },
};

/**
 * The early close of an open weekday, or null. `weekday`: 1 = Monday ... 7 = Sunday;
 * `dayAfterThanksgiving`: that Friday of the date's year.
 */
export function earlyCloseOf(date: string, weekday: number, dayAfterThanksgiving: string): EarlyClose | null {
  const oneOff = ONE_OFF_EARLY_CLOSES[date];
  if (oneOff) return oneOff;
  const year = Number(date.slice(0, 4));
  const monthDay = date.slice(5);
  const closeMinute = year >= 1993 ? EARLY_CLOSE : EARLY_CLOSE_BEFORE_1993;
  // July 3 closes early on a Monday, Tuesday or Thursday since 1995, and on a Wednesday only since
  // 2013; before 2013 a Thursday July 4 put the early close on Friday July 5 instead (1996, 2002).
  // No early close when July 3 is itself the observed holiday or July 4 falls on a Sunday or Monday.
  if (monthDay === '07-03' && year >= 1995 && (weekday === 1 || weekday === 2 || weekday === 4 || (weekday === 3 && year >= 2013))) {
    return { closeMinute, reason: 'Day before Independence Day' };
  }
  if (monthDay === '07-05' && weekday === 5 && year >= 1996 && year <= 2012) return { closeMinute, reason: 'Day after Independence Day' };
  // The day after Thanksgiving closes early since 1992 (a full session in 1990 and 1991).
  if (date === dayAfterThanksgiving && year >= 1992) return { closeMinute, reason: 'Day after Thanksgiving' };
  // Christmas Eve, Monday to Thursday; on a Friday it is the observed Christmas holiday.
  if (monthDay === '12-24' && weekday <= 4) return { closeMinute, reason: 'Christmas Eve' };
  return null;
}
