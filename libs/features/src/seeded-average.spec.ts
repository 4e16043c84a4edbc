import { FeatureStateError } from './feature-state-error';
import { SeededAverage } from './seeded-average';

describe('SeededAverage', () => {
  it('seeds an EMA with the SMA of the first period values, then smooths with 2 / (period + 1)', () => {
    const ema = SeededAverage.ema(3);
    expect([1, 2, 3].map((x) => ema.push(x))).toEqual([null, null, 2]);
    expect(ema.push(6)).toBe(2 + (6 - 2) * 0.5);
  });

  it("smooths Wilder's way with alpha 1 / period", () => {
    const wilder = SeededAverage.wilder(2);
    wilder.push(2);
    expect(wilder.push(4)).toBe(3);
    expect(wilder.push(7)).toBe(5);
  });

  it('emits the running mean from minPeriods on, joining the seed without a step', () => {
    const ema = SeededAverage.ema(4, 2);
    expect([10, 20, 30, 40].map((x) => ema.push(x))).toEqual([null, 15, 20, 25]);
    expect(ema.value).toBe(25);
  });

  it('refuses a state whose seeded value contradicts its count', () => {
    expect(() => SeededAverage.fromJSON([1, 5, 3], SeededAverage.ema(3))).toThrow(FeatureStateError);
    expect(() => SeededAverage.fromJSON([4, 5, 3], SeededAverage.ema(3))).toThrow(FeatureStateError);
  });
});
