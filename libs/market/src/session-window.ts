import { DateTime } from 'luxon';
import type { Timeframe } from '@md/contracts';
import { tradingDay } from './exchange-calendar';
import { newYorkWallClock } from './new-york-clock';
import { MICROS_PER_MINUTE, MICROS_PER_MS } from './time';

// New York wall-clock helpers shared by the quality detectors. Sessions follow NYSE Rule 7.34
// (early trading from 04:00, late trading to 20:00) and the exchange calendar (holidays,
// special closures, 13:00 early closes after which the post-market runs to 17:00).
const ZONE = 'America/New_York';
const PRE_OPEN_MINUTE = 4 * 60;
const POST_CLOSE_MINUTE = 20 * 60;
const EARLY_POST_CLOSE_MINUTE = 17 * 60;
const HALF_DAY_US = 720 * MICROS_PER_MINUTE;
const DAY_MS = 86_400_000;


export interface NewYorkClock {
  /** New York calendar date, 'YYYY-MM-DD'. */
  date: string;
  /** Minutes after New York midnight. */
  minute: number;
}

export function newYorkClock(eventTimeUs: number): NewYorkClock {
  const { date, minute } = newYorkWallClock(eventTimeUs);
  return { date, minute };
}

/**
 * The New York trading date a bar belongs to. Daily bars are dated 12 hours after their label,
 * so both common labels, 00:00 UTC (the evening before in New York) and New York midnight,
 * land on the trading day.
 */
export function barDate(eventTimeUs: number, timeframe: Timeframe): string {
  return newYorkClock(timeframe === '1d' ? eventTimeUs + HALF_DAY_US : eventTimeUs).date;
}

/** UTC micros of a New York wall-clock minute of a date. */
export function newYorkMicros(date: string, minute: number): number {
  const [year, month, day] = date.split('-').map(Number);
  const t = DateTime.fromObject({ year, month, day, hour: Math.floor(minute / 60), minute: minute % 60 }, { zone: ZONE });
  return t.toMillis() * MICROS_PER_MS;
}

/** 'HH:MM' of a minute after midnight. */
export function clockText(minute: number): string {
  const m = ((minute % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

export interface SessionWindow {
  date: string;
  startUs: number;
  endUs: number;
  /** Minutes after New York midnight. */
  startMinute: number;
  endMinute: number;
}

const WINDOW_CACHE_LIMIT = 10_000;
const windowCache = new Map<string, SessionWindow | null>();

function computeWindow(date: string, extendedHours: boolean): SessionWindow | null {
  const day = tradingDay(date);
  if (!day.open) return null;
  const startMinute = extendedHours ? PRE_OPEN_MINUTE : day.openMinute;
  const postClose = day.earlyClose ? EARLY_POST_CLOSE_MINUTE : POST_CLOSE_MINUTE;
  const endMinute = extendedHours ? postClose : day.closeMinute;
  return { date, startUs: newYorkMicros(date, startMinute), endUs: newYorkMicros(date, endMinute), startMinute, endMinute };
}

/**
 * The regular session of a New York date (or, with extendedHours, 04:00 to the post-market
 * close); null when the market is closed. Memoised with a bound: detectors ask once per bar.
 */
export function sessionWindow(date: string, extendedHours = false): SessionWindow | null {
  const key = `${date}|${extendedHours ? 'x' : 'r'}`;
  if (windowCache.has(key)) return windowCache.get(key)!;
  if (windowCache.size >= WINDOW_CACHE_LIMIT) windowCache.clear();
  const window = computeWindow(date, extendedHours);
  windowCache.set(key, window);
  return window;
}

/** Trading dates strictly between two New York dates. */
export function tradingDatesBetween(after: string, before: string): string[] {
  const dates: string[] = [];
  for (let d = nextDate(after); d < before; d = nextDate(d)) if (tradingDay(d).open) dates.push(d);
  return dates;
}
