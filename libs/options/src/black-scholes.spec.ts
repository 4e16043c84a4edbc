import fc from 'fast-check';
import { impliedVolatility, normalCdf, optionGreeks, optionPrice, priceBounds, type OptionInputs } from './black-scholes';

// Textbook values: Hull, Options, Futures and Other Derivatives (chapter numbers as in the 8th-10th
// editions). Hull prints 2-4 significant digits, so each check allows half a unit of the last one.
describe('Black-Scholes-Merton prices', () => {
  const hull15: OptionInputs = { type: 'C', spot: 42, strike: 40, years: 0.5, rate: 0.1, dividendYield: 0, volatility: 0.2 };

  it('prices Hull\'s BSM example (ch. 15, S=42 K=40 r=10% sigma=20% T=0.5): c = 4.76, p = 0.81', () => {
    expect(optionPrice(hull15)).toBeCloseTo(4.76, 2);
    expect(optionPrice({ ...hull15, type: 'P' })).toBeCloseTo(0.81, 2);
  });

  it('prices Hull\'s index option with a 3% dividend yield (ch. 17, S=930 K=900 T=2 months): c = 51.83', () => {
    expect(optionPrice({ type: 'C', spot: 930, strike: 900, years: 2 / 12, rate: 0.08, dividendYield: 0.03, volatility: 0.2 })).toBeCloseTo(51.83, 2);
  });

  it('keeps put-call parity c - p = S e^(-qT) - K e^(-rT) for any inputs', () => {
    const inputs = fc.record({
      spot: fc.double({ min: 1, max: 1000, noNaN: true }), strike: fc.double({ min: 1, max: 1000, noNaN: true }),
      years: fc.double({ min: 0.001, max: 5, noNaN: true }), rate: fc.double({ min: -0.01, max: 0.1, noNaN: true }),
      dividendYield: fc.double({ min: 0, max: 0.08, noNaN: true }), volatility: fc.double({ min: 0.01, max: 3, noNaN: true }),
    });
    fc.assert(
      fc.property(inputs, (i) => {
        const parity = i.spot * Math.exp(-i.dividendYield * i.years) - i.strike * Math.exp(-i.rate * i.years);
        const diff = optionPrice({ ...i, type: 'C' }) - optionPrice({ ...i, type: 'P' });
        expect(Math.abs(diff - parity)).toBeLessThan(1e-9 * Math.max(i.spot, i.strike));
      }),
    );
  });

  it('computes N(x) to 1e-16 absolute', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 15);
    expect(Math.abs(normalCdf(-5) - 2.866515718791939e-7)).toBeLessThan(1e-16);
    expect(normalCdf(-40)).toBe(0);
  });

  it('refuses inputs without a price', () => {
    expect(() => optionPrice({ ...hull15, years: 0 })).toThrow(/T=0 .* must be > 0/);
    expect(() => optionPrice({ ...hull15, volatility: NaN })).toThrow(/sigma=NaN/);
  });
});

describe('Black-Scholes greeks', () => {
  // Hull's running example of the Greek letters (ch. 19): S=49, K=50, r=5%, sigma=20%, T=20 weeks.
  const hull19: OptionInputs = { type: 'C', spot: 49, strike: 50, years: 20 / 52, rate: 0.05, dividendYield: 0, volatility: 0.2 };

  it('matches Hull: delta 0.522, gamma 0.066, theta -4.31/yr = -0.0118/day, vega 12.1 per 1.00, rho 8.91 per 1.00', () => {
    const g = optionGreeks(hull19);
    expect(g.delta).toBeCloseTo(0.522, 3);
    expect(g.gamma).toBeCloseTo(0.066, 3);
    expect(g.theta).toBeCloseTo(-0.0118, 4);
    expect(g.theta * 365).toBeCloseTo(-4.31, 2);
    expect(g.vega).toBeCloseTo(0.121, 3);
    expect(g.rho).toBeCloseTo(0.0891, 4);
  });

  it('gives the put its own delta, theta and rho and the same gamma and vega', () => {
    const call = optionGreeks(hull19);
    const put = optionGreeks({ ...hull19, type: 'P' });
    expect(put.delta).toBeCloseTo(call.delta - 1, 12);
    expect(put.gamma).toBeCloseTo(call.gamma, 12);
    expect(put.vega).toBeCloseTo(call.vega, 12);
    expect(put.rho).toBeLessThan(0);
  });

  it('agrees with finite differences of the price (per day, per vol point, per rate point)', () => {
    const i = { ...hull19, dividendYield: 0.02, type: 'P' as const };
    const g = optionGreeks(i);
    const bump = (change: Partial<OptionInputs>, h: number) => (optionPrice({ ...i, ...change }) - optionPrice(i)) / h;
    expect(g.delta).toBeCloseTo(bump({ spot: i.spot + 1e-5 }, 1e-5), 4);
    expect(g.theta).toBeCloseTo(bump({ years: i.years - 1e-6 }, 365e-6), 4);
    expect(g.vega).toBeCloseTo(bump({ volatility: i.volatility + 1e-6 }, 1e-4), 4);
    expect(g.rho).toBeCloseTo(bump({ rate: i.rate + 1e-6 }, 1e-4), 4);
  });
});

describe('implied volatility', () => {
  const market = { type: 'C' as const, spot: 21, strike: 20, years: 0.25, rate: 0.1, dividendYield: 0 };

  it('finds Hull\'s implied volatility example (ch. 15, S=21 K=20 r=10% T=0.25): a call at 1.875 implies 23.5%', () => {
    expect(Math.abs(impliedVolatility(1.875, market) - 0.235)).toBeLessThan(0.001);
  });

  it('recovers the volatility that priced the option, puts and calls, deep in and out of the money', () => {
    const cases = fc.record({
      type: fc.constantFrom<'C' | 'P'>('C', 'P'), strike: fc.double({ min: 50, max: 200, noNaN: true }),
      years: fc.double({ min: 0.01, max: 2, noNaN: true }), volatility: fc.double({ min: 0.05, max: 3, noNaN: true }),
    });
    fc.assert(
      fc.property(cases, (c) => {
        const i = { ...c, spot: 100, rate: 0.05, dividendYield: 0.01 };
        const price = optionPrice(i);
        const [lower] = priceBounds(i);
        fc.pre(price - lower > 1e-6); // below that the price carries no volatility information
        expect(optionPrice({ ...i, volatility: impliedVolatility(price, i) })).toBeCloseTo(price, 8);
      }),
    );
  });

  it('refuses a price below intrinsic value or above the underlying: arbitrage, no volatility', () => {
    expect(() => impliedVolatility(0.5, market)).toThrow(/outside the no-arbitrage bounds \(1\.493802, 21\.000000\) of a call .*no implied volatility/);
    expect(() => impliedVolatility(21, market)).toThrow(/no-arbitrage/);
    expect(() => impliedVolatility(20, { ...market, type: 'P' })).toThrow(/of a put/);
  });
});
