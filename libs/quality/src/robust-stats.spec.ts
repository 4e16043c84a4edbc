import { MAD_TO_SIGMA, median, robustScale } from './robust-stats';

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
});
