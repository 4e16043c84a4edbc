import { AtrIndicator } from './atr.indicator';
import { minuteBar, run } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';

const spec = IndicatorSpecSchema.parse({ kind: 'atr', name: 'atr', period: 2 }) as SpecOf<'atr'>;

describe('AtrIndicator', () => {
  it('takes the true range from the previous close (gaps count) and smooths it with alpha 1 / period', () => {
    const bars = [
      minuteBar(0, 10, { high: 11, low: 9 }),
      minuteBar(1, 10, { high: 10.5, low: 9.5 }), // TR 1
      minuteBar(2, 13, { high: 13.5, low: 12.5 }), // gap up: TR = 13.5 - 10 = 3.5
      minuteBar(3, 13, { high: 13, low: 12 }), // TR 1
    ];
    expect(run(new AtrIndicator(spec), bars, 'atr')).toEqual([null, null, 2.25, 2.25 + (1 - 2.25) / 2]);
  });
});
