import fc from 'fast-check';
import { RollingMoments } from './rolling-moments';

/** Two-pass mean and variance of a window, the textbook reference. */
function twoPass(xs: readonly number[], ddof: 0 | 1): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - ddof) };
}

describe('RollingMoments', () => {
  it('matches a two-pass mean and variance at every step of a long price-like stream', () => {
    // 50,000 steps of a cent-tick random walk around $18 (DBB's scale), window 20: a stream long
    // enough for an uncompensated rolling sum of squares to lose the variance's last digits.
    const window = RollingMoments.create(20);
    const xs: number[] = [];
    let price = 18;
    let seed = 12345;
    let worst = 0;
    for (let i = 0; i < 50_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      price = Math.round((price + ((seed % 3) - 1) * 0.01) * 100) / 100;
      xs.push(price);
      window.push(price);
      if (i < 19 || i % 97 !== 0) continue;
      const ref = twoPass(xs.slice(-20), 1);
      expect(Math.abs(window.mean()! - ref.mean)).toBeLessThanOrEqual(1e-13 * ref.mean);
      if (ref.variance > 0) worst = Math.max(worst, Math.abs(window.variance(1)! - ref.variance) / ref.variance);
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('stays accurate for values far from zero with a tiny spread (1e9 + noise)', () => {
    const window = RollingMoments.create(10);
    const xs = Array.from({ length: 1000 }, (_, i) => 1e9 + ((i * 37) % 11) * 1e-3);
    xs.forEach((x) => window.push(x));
    const ref = twoPass(xs.slice(-10), 0);
    expect(Math.abs(window.variance(0)! - ref.variance) / ref.variance).toBeLessThan(1e-6);
  });

  it('gives exactly 0 variance and the exact value as mean for a flat window', () => {
    const window = RollingMoments.create(5);
    [18.1, 18.3, 18.7, 18.7, 18.7, 18.7, 18.7].forEach((x) => window.push(x));
    expect(window.variance(0)).toBe(0);
    expect(window.variance(1)).toBe(0);
    expect(window.mean()).toBe(18.7);
  });

  it('reports no variance without enough values, and a partial window before it is full', () => {
    const window = RollingMoments.create(4);
    expect([window.mean(), window.variance(0)]).toEqual([null, null]);
    window.push(2);
    expect([window.count, window.mean(), window.variance(0), window.variance(1)]).toEqual([1, 2, 0, null]);
    window.push(4);
    expect([window.mean(), window.variance(0), window.variance(1)]).toEqual([3, 1, 2]);
  });

  it('continues bit-identically after a JSON round trip at any point', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 100, noNaN: true }), { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 12 }), fc.nat(), (xs, period, at) => {
        const split = at % xs.length;
        const a = RollingMoments.create(period);
        let b = RollingMoments.create(period);
        return xs.every((x, i) => {
          if (i === split) b = RollingMoments.fromJSON(JSON.parse(JSON.stringify(b.toJSON())), period);
          a.push(x);
          b.push(x);
          return Object.is(a.mean(), b.mean()) && Object.is(a.variance(1), b.variance(1));
        });
      }),
    );
  });
});
