import { closes, run } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';
import { ZscoreIndicator } from './zscore.indicator';

const spec = (extra: object = {}) => IndicatorSpecSchema.parse({ kind: 'zscore', name: 'z', period: 4, ...extra }) as SpecOf<'zscore'>;

describe('ZscoreIndicator', () => {
  it('measures the close against the mean and population stdev of its window', () => {
    // 2, 4, 4, 6: mean 4, population sd sqrt 2
    expect(run(new ZscoreIndicator(spec()), closes([2, 4, 4, 6]), 'z')[3]).toBeCloseTo(2 / Math.SQRT2, 14);
    expect(run(new ZscoreIndicator(spec({ ddof: 1 })), closes([2, 4, 4, 6]), 'z')[3]).toBeCloseTo(2 / Math.sqrt(8 / 3), 14);
  });

  it('is null on a window of identical closes: zero variance has no scale, not a z of 0 or Infinity', () => {
    expect(run(new ZscoreIndicator(spec()), closes([3, 5, 5, 5, 5]), 'z')).toEqual([null, null, null, expect.any(Number), null]);
  });
});
