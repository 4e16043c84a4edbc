import fc from 'fast-check';
import { MAD_TO_SIGMA, SortedWindow, median, robustScale } from './robust-stats';

describe('robust statistics', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('scales the median absolute deviation by 1.4826', () => {
    // deviations from the median 3: 2, 1, 0, 1, 97 -> MAD 1
    expect(robustScale([1, 2, 3, 4, 100])).toEqual({ median: 3, scale: MAD_TO_SIGMA });
  });

  it('estimates the standard deviation of normal data', () => {
    let seed = 42;
    const uniform = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const normal = Array.from({ length: 20_000 }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
    expect(robustScale(normal).scale).toBeCloseTo(1, 1);
  });

  it('selects the same median as sorting, for any values, ties and order (and leaves its input alone)', () => {
    const bySorting = (v: number[]) => {
      const s = [...v].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
    };
    fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 })), { minLength: 1, maxLength: 400 }), (v) => {
      const before = [...v];
      expect(median(v) + 0).toBe(bySorting(v) + 0); // + 0: -0 and 0 are the same median
      expect(v).toEqual(before);
    }), { numRuns: 2000 });
  });

  it('keeps a sliding window whose robust scale equals robustScale of the same values, through adds and removals', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1, max: 1 })), { minLength: 1, maxLength: 300 }),
      fc.integer({ min: 1, max: 40 }), (values, size) => {
        const window = new SortedWindow();
        const arrived: number[] = [];
        for (const v of values) {
          window.add(v);
          arrived.push(v);
          for (const old of arrived.splice(0, Math.max(0, arrived.length - size))) window.remove(old);
          const got = window.robustScale();
          const want = robustScale(arrived);
          expect([got.median + 0, got.scale + 0]).toEqual([want.median + 0, want.scale + 0]);
        }
      }), { numRuns: 300 });
    expect(() => new SortedWindow([1, 2]).remove(3)).toThrow('not in the window');
  });
});
