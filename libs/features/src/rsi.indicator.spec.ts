import { closes, run } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';
import { RsiIndicator } from './rsi.indicator';

const spec = (extra: object = {}) => IndicatorSpecSchema.parse({ kind: 'rsi', name: 'rsi', period: 2, ...extra }) as SpecOf<'rsi'>;

describe('RsiIndicator', () => {
  it("seeds with the mean gain and loss of the first period changes and smooths Wilder's way", () => {
    // changes +2, -1 → gain 1, loss 0.5 → 66.67; next +3 → gain 2, loss 0.25 → 88.89
    const out = run(new RsiIndicator(spec()), closes([10, 12, 11, 14]), 'rsi');
    expect(out.slice(0, 2)).toEqual([null, null]);
    expect(out[2]).toBeCloseTo(200 / 3, 12);
    expect(out[3]).toBeCloseTo((100 * 2) / 2.25, 12);
  });

  it('is 100 with gains only, 0 with losses only and null on a flat window (RS = 0/0)', () => {
    expect(run(new RsiIndicator(spec()), closes([1, 2, 3]), 'rsi')[2]).toBe(100);
    expect(run(new RsiIndicator(spec()), closes([3, 2, 1]), 'rsi')[2]).toBe(0);
    expect(run(new RsiIndicator(spec()), closes([5, 5, 5, 5]), 'rsi')).toEqual([null, null, null, null]);
  });
});
