import { EmaIndicator } from './ema.indicator';
import { closes, run } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';

const spec = (extra: object = {}) => IndicatorSpecSchema.parse({ kind: 'ema', name: 'ema_3', period: 3, ...extra }) as SpecOf<'ema'>;

describe('EmaIndicator', () => {
  it('starts at the SMA of the first period closes and then moves half way (alpha 2/4) to each close', () => {
    expect(run(new EmaIndicator(spec()), closes([2, 4, 6, 10, 2]), 'ema_3')).toEqual([null, null, 4, 7, 4.5]);
  });

  it('restores from its state and goes on identically', () => {
    const a = new EmaIndicator(spec());
    run(a, closes([2, 4, 6]), 'ema_3');
    const b = new EmaIndicator(spec(), JSON.parse(JSON.stringify(a.toJSON())));
    const next = closes([2, 4, 6, 10]).slice(3);
    expect(run(b, next, 'ema_3')).toEqual(run(a, next, 'ema_3'));
  });
});
