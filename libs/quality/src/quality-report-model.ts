import { DateTime } from 'luxon';
import { newYorkDate, newYorkMidnightUs } from '@md/market';

// The quality report's data, shared by the builder (quality-report.ts), its summary, its charts
// and its renderers. Completeness rows (type 'completeness', one per symbol, timeframe and New
// York day, window midnight to midnight) carry the day's expected and observed session minutes.

export interface ReportRow {
  symbol: string;
  timeframe: string;
  type: string;
  severity: string;
  windowStart: string;
  windowEnd: string;
  evidence: Record<string, unknown>;
}

export interface DayScore {
  symbol: string;
  timeframe: string;
  date: string;
  ratio: number;
  expectedMinutes: number;
  observedMinutes: number;
}

/** The closes of one symbol's New York day, for the price chart of a day with findings. */
export interface DayBars {
  symbol: string;
  date: string;
  bars: Array<{ time: string; close: number }>;
}

/**
 * The whole New York days a report covers: the days whose New York noon is in the requested
 * [from, to) (`to` excluded). So bounds at UTC midnights (mdctl's dates, the README's example)
 * or at New York midnights both give exactly the dates named, from included and to excluded,
 * and a `from` at a day's first bar keeps that day. start / end are the first day's midnight
 * and the midnight after the last day: the range of window starts queried. An empty window
 * (no noon in range) has lastDay before firstDay and start = end.
 */
export interface ReportWindow {
  firstDay: string;
  lastDay: string;
  start: string;
  end: string;
}

export interface QualityReport {
  /** As requested: `from` included, `to` excluded. */
  from: string;
  to: string;
  window: ReportWindow;
  symbols: string[];
  completeness: DayScore[];
  counts: Record<string, number>;
  issues: ReportRow[];
  truncated: boolean;
  /** Bars of the worst days with findings (at most the request's chartDays), for their price charts. */
  dayBars: DayBars[];
}

export const COMPLETENESS_TYPE = 'completeness';

const MS_PER_DAY = 86_400_000;
const usOf = (iso: string | Date) => (typeof iso === 'string' ? Date.parse(iso) : iso.getTime()) * 1000;

/** The calendar date `days` after `date` (YYYY-MM-DD, no zone involved). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** New York date of an ISO instant. */
export const newYorkDayOf = (iso: string): string => newYorkDate(usOf(iso));

/** [midnight, next midnight) of a New York date, as ISO instants. */
export function newYorkDayRange(date: string): { from: string; to: string } {
  const iso = (us: number) => new Date(us / 1000).toISOString();
  return { from: iso(newYorkMidnightUs(date)), to: iso(newYorkMidnightUs(addDays(date, 1))) };
}

const noonUs = (date: string) => DateTime.fromISO(`${date}T12:00:00`, { zone: 'America/New_York' }).toMillis() * 1000;

export function reportWindow(from: string | Date, to: string | Date): ReportWindow {
  const [fromUs, toUs] = [usOf(from), usOf(to)];
  let firstDay = newYorkDate(fromUs);
  if (noonUs(firstDay) < fromUs) firstDay = addDays(firstDay, 1);
  let lastDay = newYorkDate(toUs - 1);
  if (noonUs(lastDay) >= toUs) lastDay = addDays(lastDay, -1);
  const start = newYorkDayRange(firstDay).from;
  return { firstDay, lastDay, start, end: lastDay < firstDay ? start : newYorkDayRange(lastDay).to };
}

/** Every date from `first` to `last`, both included (bounded by the caller's range). */
export function datesBetween(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) dates.push(d);
  return dates;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** HTML/SVG text and attribute escaping: symbols, types and evidence come from data. */
export const esc = (text: string | number): string => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);

export const pct = (ratio: number, digits = 2) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(digits)}%` : 'n/a');
