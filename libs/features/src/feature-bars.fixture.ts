import fc from 'fast-check';
import type { FeatureBar, FeatureValues } from './feature-bar';

// Test-only (not exported): random bar series for the property tests, and value comparison.

const MINUTE_US = 60_000_000;
/** 2023-01-02 14:30 UTC (09:30 New York), inside the exchange calendar's years. */
const ORIGIN_US = Date.UTC(2023, 0, 2, 14, 30) * 1000;

const step = fc.record({
  /** Minutes since the previous bar: mostly consecutive, some gaps, some overnight or weekend jumps. */
  gap: fc.oneof({ arbitrary: fc.constant(1), weight: 6 }, { arbitrary: fc.integer({ min: 2, max: 90 }), weight: 3 }, { arbitrary: fc.integer({ min: 91, max: 4 * 1440 }), weight: 1 }),
  /** Relative close move: a flat bar (thin instruments have many) or up to ±2%. */
  move: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.double({ min: -0.02, max: 0.02, noNaN: true }), weight: 2 }),
  wickUp: fc.double({ min: 0, max: 0.01, noNaN: true }),
  wickDown: fc.double({ min: 0, max: 0.01, noNaN: true }),
  volume: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 1_000_000 }), weight: 4 }),
});

/** A random but plausible bar series: positive prices, low <= open, close <= high, strictly increasing minutes. */
export function barSeries(minLength: number, maxLength: number): fc.Arbitrary<FeatureBar[]> {
  return fc
    .record({ start: fc.integer({ min: 0, max: 2 * 365 * 1440 }), price: fc.double({ min: 1, max: 500, noNaN: true }), steps: fc.array(step, { minLength, maxLength, size: 'max' }) })
    .map(({ start, price, steps }) => {
      let t = ORIGIN_US + start * MINUTE_US;
      let close = price;
      return steps.map((s) => {
        t += s.gap * MINUTE_US;
        const open = close;
        close = open * (1 + s.move);
        return { eventTime: t, open, high: Math.max(open, close) * (1 + s.wickUp), low: Math.min(open, close) * (1 - s.wickDown), close, volume: s.volume };
      });
    });
}

/** Same names and the same values bit for bit (Object.is: 0 and -0 differ, NaN equals NaN). */
export function sameValues(a: FeatureValues | null, b: FeatureValues | null): boolean {
  if (a === null || b === null) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && Object.is(a[k], b[k]));
}

/** 2024-03-05 14:30 UTC = 09:30 New York (EST), a plain trading Tuesday. */
export const TUESDAY_OPEN_US = Date.UTC(2024, 2, 5, 14, 30) * 1000;

/** A bar `minute` minutes after `origin`, flat at `close` unless fields are given. */
export function minuteBar(minute: number, close: number, fields: Partial<FeatureBar> = {}, origin = TUESDAY_OPEN_US): FeatureBar {
  return { eventTime: origin + minute * MINUTE_US, open: close, high: close, low: close, close, volume: 100, ...fields };
}

/** Feeds bars through an indicator and returns all its outputs per bar. */
export function outputs(indicator: { update(bar: FeatureBar, out: FeatureValues): void }, bars: readonly FeatureBar[]): FeatureValues[] {
  return bars.map((bar) => {
    const out: FeatureValues = {};
    indicator.update(bar, out);
    return out;
  });
}

/** Feeds bars through an indicator and returns one named output per bar. */
export function run(indicator: { update(bar: FeatureBar, out: FeatureValues): void }, bars: readonly FeatureBar[], name: string): (number | null)[] {
  return outputs(indicator, bars).map((out) => out[name]);
}

export const closes = (xs: readonly number[]): FeatureBar[] => xs.map((x, i) => minuteBar(i, x));
