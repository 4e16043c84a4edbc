import fc from 'fast-check';
import { InvalidRecordError } from '@md/contracts';
import { dbbFeatureBars } from './dbb-series.fixture';
import type { FeatureBar, FeatureValues } from './feature-bar';
import { barSeries, minuteBar, sameValues } from './feature-bars.fixture';
import { DEFAULT_FEATURE_SET } from './default-feature-set';
import { FeatureSetSchema, featureNames } from './feature-set.schema';
import { FeatureStateError } from './feature-state-error';
import { FeatureState } from './feature-state';

const roundTrip = (state: FeatureState) => FeatureState.fromJSON(JSON.parse(JSON.stringify(state)), DEFAULT_FEATURE_SET);

/** Outputs of one uninterrupted state. */
function straight(bars: readonly FeatureBar[]): (FeatureValues | null)[] {
  const state = FeatureState.create(DEFAULT_FEATURE_SET);
  return bars.map((bar) => state.update(bar));
}

/** Outputs of a state checkpointed through JSON and restored before each bar index in `splits`. */
function interrupted(bars: readonly FeatureBar[], splits: ReadonlySet<number>): (FeatureValues | null)[] {
  let state = FeatureState.create(DEFAULT_FEATURE_SET);
  return bars.map((bar, i) => {
    if (splits.has(i)) state = roundTrip(state);
    return state.update(bar);
  });
}

const identical = (a: readonly (FeatureValues | null)[], b: readonly (FeatureValues | null)[]) => a.length === b.length && a.every((x, i) => sameValues(x, b[i]));

describe('FeatureState', () => {
  it('writes every feature of the set for every bar, in the order of featureNames', () => {
    const state = FeatureState.create(DEFAULT_FEATURE_SET);
    expect(Object.keys(state.update(minuteBar(0, 10))!)).toEqual(featureNames(DEFAULT_FEATURE_SET));
  });

  it('continues bit-identically after JSON checkpoints at random points of random series', () => {
    fc.assert(
      fc.property(barSeries(1, 150), fc.uniqueArray(fc.nat(150), { maxLength: 4 }), (bars, splits) => identical(straight(bars), interrupted(bars, new Set(splits)))),
      { numRuns: 200 },
    );
  });

  it('continues bit-identically after JSON checkpoints at random points of the real DBB series', () => {
    const bars = dbbFeatureBars();
    const reference = straight(bars);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(bars.length - 1), { minLength: 1, maxLength: 300 }), (splits) => identical(reference, interrupted(bars, new Set(splits)))),
      { numRuns: 3 },
    );
  });

  it('never emits NaN or Infinity and always restores, whatever finite bars it is given', () => {
    const value = fc.double({ min: -1e15, max: 1e15, noNaN: true });
    const bar = fc.record({ open: value, high: value, low: value, close: value, volume: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e15, noNaN: true })), gap: fc.integer({ min: 1, max: 5000 }) });
    fc.assert(
      fc.property(fc.array(bar, { maxLength: 80 }), (raw) => {
        let t = Date.UTC(2024, 0, 2, 14, 30) * 1000;
        const bars = raw.map(({ gap, ...b }) => ({ ...b, eventTime: (t += gap * 60_000_000) }));
        const out = interrupted(bars, new Set([Math.floor(bars.length / 2)]));
        return out.every((values) => Object.values(values!).every((v) => v === null || Number.isFinite(v)));
      }),
      { numRuns: 200 },
    );
  });

  it('ignores a duplicate or older bar: returns null and leaves the state as it was', () => {
    const state = FeatureState.create(DEFAULT_FEATURE_SET);
    state.update(minuteBar(0, 10));
    state.update(minuteBar(1, 11));
    const before = JSON.stringify(state);
    expect(state.update(minuteBar(1, 99))).toBeNull();
    expect(state.update(minuteBar(0, 99))).toBeNull();
    expect(JSON.stringify(state)).toBe(before);
    expect(state.lastEventTime).toBe(minuteBar(1, 0).eventTime);
  });

  it('throws InvalidRecordError for a bar with a NaN price and keeps its state', () => {
    const state = FeatureState.create(DEFAULT_FEATURE_SET);
    state.update(minuteBar(0, 10));
    const before = JSON.stringify(state);
    expect(() => state.update(minuteBar(1, Number.NaN))).toThrow(InvalidRecordError);
    expect(JSON.stringify(state)).toBe(before);
  });

  it('refuses to restore a checkpoint into another set, another version or from a corrupt state', () => {
    const state = FeatureState.create(DEFAULT_FEATURE_SET);
    state.update(minuteBar(0, 10));
    const json = JSON.parse(JSON.stringify(state));
    const retuned = FeatureSetSchema.parse({ ...DEFAULT_FEATURE_SET, indicators: DEFAULT_FEATURE_SET.indicators.map((s) => (s.name === 'sma_20' ? { ...s, period: 21 } : s)) });
    expect(() => FeatureState.fromJSON(json, retuned)).toThrow(/cannot restore set default-v1/);
    expect(() => FeatureState.fromJSON({ ...json, v: 2 }, DEFAULT_FEATURE_SET)).toThrow(FeatureStateError);
    expect(() => FeatureState.fromJSON({ ...json, ind: json.ind.slice(1) }, DEFAULT_FEATURE_SET)).toThrow(FeatureStateError);
    const corrupt = JSON.parse(JSON.stringify(json).replace('[[10]', '[["x"]'));
    expect(() => FeatureState.fromJSON(corrupt, DEFAULT_FEATURE_SET)).toThrow(FeatureStateError);
    expect(() => FeatureState.fromJSON(null, DEFAULT_FEATURE_SET)).toThrow(FeatureStateError);
  });

  it('keeps the checkpoint compact: under 2.5 kB of JSON for default-v1 with full windows', () => {
    const state = FeatureState.create(DEFAULT_FEATURE_SET);
    for (const bar of dbbFeatureBars().slice(0, 500)) state.update(bar);
    expect(JSON.stringify(state).length).toBeLessThan(2500);
  });
});
