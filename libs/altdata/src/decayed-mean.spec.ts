import fc from 'fast-check';
import { EMPTY_DECAYED_MEAN, addDecayed, decayedValue, effectiveCount, type DecayedMean } from './decayed-mean';

const HOUR_US = 3_600_000_000;

function fold(inputs: Array<[number, number]>, halfLife = HOUR_US): DecayedMean {
  return inputs.reduce((s, [x, t]) => addDecayed(s, x, t, halfLife), EMPTY_DECAYED_MEAN);
}

describe('exponentially decayed mean by event time', () => {
  it('weighs an input one half-life old half as much as a new one', () => {
    // 1 at t=0, then -1 one half-life later: (0.5·1 + 1·(-1)) / (0.5 + 1) = -1/3.
    expect(decayedValue(fold([[1, 0], [-1, HOUR_US]]))).toBeCloseTo(-1 / 3, 12);
  });

  it('is null with no input and keeps its value as time passes (only the weight decays)', () => {
    expect(decayedValue(EMPTY_DECAYED_MEAN)).toBeNull();
    const s = fold([[0.4, 0]]);
    expect(decayedValue(s)).toBe(0.4);
    expect(effectiveCount(s, 0, HOUR_US)).toBe(1);
    expect(effectiveCount(s, 2 * HOUR_US, HOUR_US)).toBeCloseTo(0.25, 12);
  });

  it('gives the same state whatever order the inputs arrive in (late inputs weighed by their age)', () => {
    const input = fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: 0, max: 100 * HOUR_US })), { minLength: 1, maxLength: 40 });
    fc.assert(fc.property(input, fc.integer(), (inputs, seed) => {
      const shuffled = [...inputs].sort((a, b) => Math.sin(seed + a[1]) - Math.sin(seed + b[1]));
      const a = fold(inputs);
      const b = fold(shuffled);
      expect(b.atUs).toBe(a.atUs);
      expect(decayedValue(b)).toBeCloseTo(decayedValue(a)!, 9);
      expect(b.weight).toBeCloseTo(a.weight, 9);
    }));
  });

  it('takes a late input at the weight of its age, without moving the state time forward', () => {
    const late = fold([[1, 2 * HOUR_US], [-1, HOUR_US]]);
    expect(late.atUs).toBe(2 * HOUR_US);
    expect(decayedValue(late)).toBeCloseTo((1 - 0.5) / 1.5, 12);
  });

  it('refuses a non-finite input and a non-positive half-life', () => {
    expect(() => addDecayed(EMPTY_DECAYED_MEAN, Number.NaN, 0, HOUR_US)).toThrow(/finite/);
    expect(() => addDecayed(EMPTY_DECAYED_MEAN, 1, 0, 0)).toThrow(/half-life/);
  });
});
