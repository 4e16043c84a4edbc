import { DateTime } from 'luxon';
import { tradingDay } from './exchange-calendar';
import { MICROS_PER_MS } from './time';

const MICROS_PER_HOUR = 3_600_000_000;
let cachedHour = Number.NaN;
let cachedDate = '';

/**
 * New York calendar date of a UTC-micros instant. New York's offsets are whole hours, so its
 * midnight falls on a UTC hour boundary and the date is constant within a UTC hour: one luxon
 * conversion per hour instead of per bar (this runs for every bar in the preprocessor).
 */
export function newYorkDate(eventTimeUs: number): string {
  const hour = Math.floor(eventTimeUs / MICROS_PER_HOUR);
  if (hour !== cachedHour) {
    cachedDate = DateTime.fromMillis((hour * MICROS_PER_HOUR) / MICROS_PER_MS, { zone: 'America/New_York' }).toISODate()!;
    cachedHour = hour;
  }
  return cachedDate;
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
