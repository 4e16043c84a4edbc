import fc from 'fast-check';
import { dbbFeatureBars } from './dbb-series.fixture';
import { DEFAULT_FEATURE_SET } from './default-feature-set';
import type { FeatureBar, FeatureValues } from './feature-bar';
import { barSeries, sameValues } from './feature-bars.fixture';
import { featureNames } from './feature-set.schema';
import { FeatureState } from './feature-state';

// Proof of no look-ahead (issue #6, feature-engine item 2): for every feature, the value at bar t
// computed from bars 0..t equals the value at t computed from bars 0..t+k, for any t and k, on
// random series and on the real DBB minutes. A feature is treated as a black box from a series
// to one value set per bar, so the same check catches a feature that reads the future, as the
// deliberately look-ahead features below show (the check must be able to fail).

/** A feature computation over a whole series: one value set per bar. */
type SeriesFeatures = (bars: readonly FeatureBar[]) => FeatureValues[];

const engine: SeriesFeatures = (bars) => {
  const state = FeatureState.create(DEFAULT_FEATURE_SET);
  return bars.map((bar) => state.update(bar)!);
};

/** Centred 5-bar moving average: the classic smoothing that reads two bars ahead. */
const centredAverage: SeriesFeatures = (bars) =>
  bars.map((_, i) => ({ centred_sma_5: i >= 2 && i + 2 < bars.length ? bars.slice(i - 2, i + 3).reduce((a, b) => a + b.close, 0) / 5 : null }));

/** Close over the series maximum: normalising with full-sample statistics, look-ahead by the back door. */
const fullSampleScaled: SeriesFeatures = (bars) => {
  const max = Math.max(...bars.map((b) => b.close));
  return bars.map((b) => ({ close_over_max: b.close / max }));
};

/** The property for one (series, t, k); records which features were compared with a value. */
function sameAtT(compute: SeriesFeatures, bars: readonly FeatureBar[], t: number, k: number, seen?: Set<string>): boolean {
  const short = compute(bars.slice(0, t + 1))[t];
  const long = compute(bars.slice(0, t + k + 1))[t];
  for (const [name, v] of Object.entries(short)) if (v !== null) seen?.add(name);
  return sameValues(short, long);
}

/** A random series with a random t and k inside it. */
const randomCase = barSeries(2, 200).chain((bars) =>
  fc.integer({ min: 0, max: bars.length - 2 }).chain((t) => fc.integer({ min: 1, max: bars.length - 1 - t }).map((k) => ({ bars, t, k }))),
);

/** A random window of the real DBB series (start, length up to 3,000 bars) with t and k inside it. */
function dbbCase(all: readonly FeatureBar[]) {
  return fc
    .record({ start: fc.nat(all.length - 3001), length: fc.integer({ min: 2, max: 3000 }) })
    .chain(({ start, length }) => fc.integer({ min: 0, max: length - 2 }).chain((t) => fc.integer({ min: 1, max: length - 1 - t }).map((k) => ({ bars: all.slice(start, start + length), t, k }))));
}

describe('no look-ahead', () => {
  const names = featureNames(DEFAULT_FEATURE_SET);
  const dbb = dbbFeatureBars();

  it('holds for every feature of default-v1 on random series', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(randomCase, ({ bars, t, k }) => sameAtT(engine, bars, t, k, seen)), { numRuns: 300 });
    // Not vacuous: every feature was compared with a value, not only null against null.
    expect([...seen].sort()).toEqual([...names].sort());
  });

  it('holds for every feature of default-v1 on windows of the real DBB minute series', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(dbbCase(dbb), ({ bars, t, k }) => sameAtT(engine, bars, t, k, seen)), { numRuns: 60 });
    expect([...seen].sort()).toEqual([...names].sort());
  });

  it('holds across the whole DBB series: features of the first half do not move when the second half arrives', () => {
    const half = Math.floor(dbb.length / 2);
    expect(sameAtT(engine, dbb, half, dbb.length - 1 - half)).toBe(true);
  });

  it.each([
    ['a centred moving average', centredAverage],
    ['a full-sample normalisation', fullSampleScaled],
  ])('detects %s on random and on real series', (_, lookingAhead) => {
    expect(fc.check(fc.property(randomCase, ({ bars, t, k }) => sameAtT(lookingAhead, bars, t, k)), { numRuns: 300 }).failed).toBe(true);
    expect(fc.check(fc.property(dbbCase(dbb), ({ bars, t, k }) => sameAtT(lookingAhead, bars, t, k)), { numRuns: 60 }).failed).toBe(true);
  });
});
