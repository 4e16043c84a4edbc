import { DateTime } from 'luxon';
import { InvalidRecordError } from '@md/contracts';

// UTC epoch microseconds everywhere (DESIGN.md, Contracts). JS numbers hold micros exactly
// until the year 2255 (2^53 us), so no bigint is needed on the hot path.
export const MICROS_PER_MS = 1000;
export const MICROS_PER_MINUTE = 60_000_000;
export const MICROS_PER_DAY = 86_400_000_000;

export function nowMicros(): number {
  return Date.now() * MICROS_PER_MS;
}

export function microsToIso(us: number): string {
  return new Date(Math.floor(us / MICROS_PER_MS)).toISOString();
}

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z)?$/i;
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Z']);

/**
 * Fast path for the common file format, UTC wall-clock text ("2023-07-10 13:30:00", optionally
 * ".123456" and "Z"), at microsecond precision; luxon (milliseconds) handles every other form.
 * Returns undefined when the text is not of that form, so the caller falls back.
 */
function utcWallClockMicros(text: string, zone: string | undefined): number | undefined {
  const m = WALL_CLOCK.exec(text);
  if (!m || (!m[8] && !(zone && UTC_ZONES.has(zone)))) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(ms).getUTCDate() !== d) return undefined;
  return ms * MICROS_PER_MS + Number((m[7] ?? '').padEnd(6, '0'));
}

/**
 * Parses a timestamp text to UTC micros. Text carrying an offset ("…Z", "…+02:00") is taken
 * as it says. A naive text is read in `declaredZone`; without one it is refused, because
 * guessing a zone is how bars end up shifted by hours (DESIGN.md: naive only with a declared zone).
 */
export function parseTimestamp(text: string, declaredZone: string | undefined): number {
  const trimmed = text.trim();
  const fast = utcWallClockMicros(trimmed, declaredZone);
  if (fast !== undefined) return fast;
  const iso = trimmed.replace(' ', 'T');
  const naive = !HAS_OFFSET.test(iso);
  if (naive && !declaredZone) {
    throw new InvalidRecordError(`timestamp ${JSON.stringify(text)} has no zone and none was declared`);
  }
  const parsed = naive ? DateTime.fromISO(iso, { zone: declaredZone }) : DateTime.fromISO(iso, { setZone: true });
  if (!parsed.isValid) {
    throw new InvalidRecordError(`unparseable timestamp ${JSON.stringify(text)}: ${parsed.invalidExplanation ?? parsed.invalidReason}`);
  }
  return parsed.toMillis() * MICROS_PER_MS;
}

export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** RFC 3339 with a zone, as Alpaca and most REST APIs send times (nanoseconds allowed). */
export const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * RFC 3339 text ("…T15:51:45.335689322Z") to UTC epoch micros, or undefined when it is not one
 * or not a calendar time. Nanoseconds are truncated: the platform's time type is timestamp-micros.
 * Hand-written because it runs per message on the stream and Date.parse drops sub-milliseconds.
 */
export function rfc3339Micros(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (y < 1970 || mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(ms).getUTCDate() !== d) return undefined;
  const zone = m[8].toUpperCase();
  const offsetMinutes = zone === 'Z' ? 0 : Number(`${zone[0]}1`) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
  const us = (ms - offsetMinutes * 60_000) * 1000 + Number((m[7] ?? '').padEnd(9, '0').slice(0, 6));
  return Number.isSafeInteger(us) ? us : undefined;
}
