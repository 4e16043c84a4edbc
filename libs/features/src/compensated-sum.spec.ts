import fc from 'fast-check';
import { CompensatedSum } from './compensated-sum';
import { StateReader } from './feature-state-error';

describe('CompensatedSum', () => {
  it('keeps the 1 that a plain sum of 1e16 + 1 - 1e16 loses', () => {
    const sum = CompensatedSum.zero();
    for (const x of [1e16, 1, -1e16]) sum.add(x);
    expect(1e16 + 1 - 1e16).toBe(0);
    expect(sum.value).toBe(1);
  });

  it('ends at the exact sum after a long stream of adds and removes of decimal prices', () => {
    // A rolling window over 100,000 prices: add the new one, remove the one 20 back. The true
    // sum of the last 20 is known exactly in integer cents; a naive running sum drifts from it.
    const cents = Array.from({ length: 100_000 }, (_, i) => 1800 + ((i * 7919) % 613));
    const sum = CompensatedSum.zero();
    let naive = 0;
    cents.forEach((c, i) => {
      sum.add(c / 100);
      naive += c / 100;
      if (i >= 20) {
        sum.add(-cents[i - 20] / 100);
        naive -= cents[i - 20] / 100;
      }
    });
    const exact = cents.slice(-20).reduce((a, b) => a + b, 0) / 100;
    expect(Math.abs(sum.value - exact)).toBeLessThanOrEqual(Number.EPSILON * exact);
    expect(Math.abs(naive - exact)).toBeGreaterThan(Math.abs(sum.value - exact));
  });

  it('continues bit-identically after a JSON round trip', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 50 }), fc.nat(), (xs, at) => {
        const split = at % xs.length;
        const a = CompensatedSum.zero();
        xs.forEach((x) => a.add(x));
        let b = CompensatedSum.zero();
        xs.forEach((x, i) => {
          if (i === split) b = CompensatedSum.fromJSON(StateReader.of(JSON.parse(JSON.stringify(b.toJSON())), 'sum'));
          b.add(x);
        });
        return Object.is(a.value + 0, b.value + 0);
      }),
    );
  });
});
