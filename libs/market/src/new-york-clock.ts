import { DateTime } from 'luxon';
import { MICROS_PER_MS } from './time';

// The New York wall clock of an instant, for every per-bar caller (sessions, session windows,
// the quality detectors, the features' day buckets). New York's UTC offset changes only on a
// UTC hour boundary (DST switches at 02:00 local), so one luxon/Intl conversion per UTC hour,
// kept in a bounded map, is exact; a conversion per bar was the quality monitor's second-largest
// cost in its CPU profile (npm run bench, per-stage table).

const HOUR_MS = 3_600_000;
const OFFSET_CACHE_LIMIT = 100_000;
const offsetByHour = new Map<number, number>();

/** New York's UTC offset in minutes at `ms` (epoch milliseconds). */
export function newYorkOffsetMinutes(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    if (offsetByHour.size >= OFFSET_CACHE_LIMIT) offsetByHour.clear();
    offset = DateTime.fromMillis(hour * HOUR_MS, { zone: 'America/New_York' }).offset;
    offsetByHour.set(hour, offset);
  }
  return offset;
}

export interface NewYorkWallClock {
  /** New York calendar date, 'YYYY-MM-DD'. */
  date: string;
  year: number;
  /** Minutes after New York midnight. */
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/** New York wall clock of a UTC-micros instant. */
export function newYorkWallClock(eventTimeUs: number): NewYorkWallClock {
  const ms = Math.floor(eventTimeUs / MICROS_PER_MS);
  const local = new Date(ms + newYorkOffsetMinutes(ms) * 60_000);
  return {
    date: local.toISOString().slice(0, 10),
    year: local.getUTCFullYear(),
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
    weekday: local.getUTCDay(),
  };
}
