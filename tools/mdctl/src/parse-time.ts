import { UsageError } from './usage-error';

// ISO 8601 with an explicit zone (Z or ±hh:mm), or a bare date taken as UTC midnight. A naive
// date-time is refused: DESIGN.md (Contracts) accepts naive times only with a declared zone.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const NAIVE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch milliseconds of `text`, or a UsageError naming the option and the accepted forms. */
export function parseTime(text: string, option: string): number {
  const value = text.trim();
  if (NAIVE.test(value)) {
    throw new UsageError(`${option} "${text}" has no time zone: append Z for UTC or an offset such as -04:00 (e.g. ${value.replace(' ', 'T')}Z)`);
  }
  const m = DATE_TIME.exec(value);
  // Date.parse would roll 2024-02-30 over to March 1st; the fields are checked instead.
  const valid = m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= daysIn(Number(m[1]), Number(m[2]))
    && Number(m[4] ?? 0) < 24 && Number(m[5] ?? 0) < 60 && Number(m[6] ?? 0) < 60;
  if (!valid) {
    throw new UsageError(`${option} "${text}" is not a time: use YYYY-MM-DD (UTC midnight) or ISO 8601 with a zone, e.g. 2024-04-01T13:30:00Z`);
  }
  return Date.parse(m[4] === undefined ? `${value}T00:00:00Z` : value);
}

/** A [from, to) window of two times; `to` must be after `from`. */
export function parseWindow(from: string, to: string): { fromMs: number; toMs: number } {
  const fromMs = parseTime(from, '--from');
  const toMs = parseTime(to, '--to');
  if (toMs <= fromMs) throw new UsageError(`--to ${to} is not after --from ${from}: the window is [from, to)`);
  return { fromMs, toMs };
}
