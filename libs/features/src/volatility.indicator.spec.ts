import { closes, run } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';
import { VolatilityIndicator } from './volatility.indicator';

const spec = (extra: object = {}) => IndicatorSpecSchema.parse({ kind: 'volatility', name: 'vol', period: 3, ...extra }) as SpecOf<'volatility'>;

describe('VolatilityIndicator', () => {
  it('is the sample standard deviation of the last period log returns', () => {
    const prices = [100, 101, 99, 102, 102];
    const out = run(new VolatilityIndicator(spec()), closes(prices), 'vol');
    const r = prices.slice(1).map((p, i) => Math.log(p / prices[i]));
    const sd = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b) / xs.length;
      return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
    };
    expect(out.slice(0, 3)).toEqual([null, null, null]);
    expect(out[3]).toBeCloseTo(sd(r.slice(0, 3)), 14);
    expect(out[4]).toBeCloseTo(sd(r.slice(1, 4)), 14);
  });

  it('is exactly 0 over flat prices (a value, not a gap)', () => {
    expect(run(new VolatilityIndicator(spec()), closes([7, 7, 7, 7]), 'vol')[3]).toBe(0);
  });
});
