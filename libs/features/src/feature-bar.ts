import { InvalidRecordError } from '@md/contracts';
import { abs, isFiniteNumber, isSafeInteger } from './fast-math';

// The input of the feature engine: one bar of one (symbol, timeframe) stream, prices as doubles
// (DESIGN.md, Contracts: "features may be doubles"; the wire keeps decimals).

/** One bar as the indicators read it. */
export interface FeatureBar {
  /** Bar start, UTC epoch microseconds. */
  readonly eventTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Feature name to value; null while warming up or where the value is undefined (never NaN or Infinity). */
export type FeatureValues = Record<string, number | null>;

/** The price fields an indicator can read. */
export type BarField = 'open' | 'high' | 'low' | 'close' | 'volume';
export const BAR_FIELDS: readonly BarField[] = ['open', 'high', 'low', 'close', 'volume'];

/**
 * No real price or volume comes near this; bounding inputs keeps every square, product and sum an
 * indicator keeps far from overflow, so its state never holds Infinity (which JSON would turn into
 * null, breaking the restore).
 */
export const MAX_FEATURE_INPUT = 1e15;

/**
 * Refuses a bar no indicator can use, before any state changes: a non-integer time, a price that
 * is not a finite number within ±MAX_FEATURE_INPUT, a negative volume. The preprocessor validates
 * bars (validate-bar.ts); this guard keeps one bad record from poisoning every later feature of
 * its key with NaN.
 */
export function assertFeatureBar(bar: FeatureBar): void {
  if (!isSafeInteger(bar.eventTime)) throw new InvalidRecordError(`feature bar eventTime ${bar.eventTime} is not integer micros`);
  for (const field of BAR_FIELDS) {
    const v = bar[field];
    if (!isFiniteNumber(v) || abs(v) > MAX_FEATURE_INPUT) throw new InvalidRecordError(`feature bar ${field} ${v} is not a finite number within ±${MAX_FEATURE_INPUT}`);
  }
  if (bar.volume < 0) throw new InvalidRecordError(`feature bar volume ${bar.volume} is negative`);
}

/** A finite number as itself (with -0 as 0, so JSON round trips stay bit-identical), anything else as null. */
export function finiteOrNull(value: number | null): number | null {
  if (value === null || !isFiniteNumber(value)) return null;
  return value === 0 ? 0 : value;
}
