import { closes, run } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';
import { SmaIndicator } from './sma.indicator';

const spec = (extra: object = {}) => IndicatorSpecSchema.parse({ kind: 'sma', name: 'sma_3', period: 3, ...extra }) as SpecOf<'sma'>;

describe('SmaIndicator', () => {
  it('is null until the window is full, then the mean of the last period closes', () => {
    expect(run(new SmaIndicator(spec()), closes([1, 2, 3, 4, 8]), 'sma_3')).toEqual([null, null, 2, 3, 5]);
  });

  it('emits over the partial window from minPeriods on', () => {
    expect(run(new SmaIndicator(spec({ minPeriods: 2 })), closes([1, 2, 3, 4]), 'sma_3')).toEqual([null, 1.5, 2, 3]);
  });

  it('reads the configured field', () => {
    const bars = closes([1, 2, 3]).map((b, i) => ({ ...b, volume: 10 * (i + 1) }));
    expect(run(new SmaIndicator(spec({ field: 'volume' })), bars, 'sma_3')).toEqual([null, null, 20]);
  });
});
