import { DateTime } from 'luxon';
import { tradingDay } from './exchange-calendar';
import { newYorkWallClock } from './new-york-clock';

/** New York calendar date of a UTC-micros instant. */
export function newYorkDate(eventTimeUs: number): string {
  return newYorkWallClock(eventTimeUs).date;
}

/**
 * Trading days in [from, to] (New York dates) with no bar at all: whole missing sessions.
 * Weekends, holidays and special closures are not trading days, so they are never reported;
 * a thin instrument's quiet minutes are not either (that is a per-minute, thresholded check).
 */
export function missingSessions(barTimesUs: Iterable<number>, from: string, to: string): string[] {
  const seen = new Set<string>();
  for (const t of barTimesUs) seen.add(newYorkDate(t));
  const missing: string[] = [];
  for (let day = DateTime.fromISO(from, { zone: 'utc' }); day.toISODate()! <= to; day = day.plus({ days: 1 })) {
    const date = day.toISODate()!;
    if (tradingDay(date).open && !seen.has(date)) missing.push(date);
  }
  return missing;
}
