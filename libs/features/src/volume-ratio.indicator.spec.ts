import { minuteBar, run } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';
import { VolumeRatioIndicator } from './volume-ratio.indicator';

const spec = IndicatorSpecSchema.parse({ kind: 'volume_ratio', name: 'vr', period: 2 }) as SpecOf<'volume_ratio'>;

describe('VolumeRatioIndicator', () => {
  it('divides the volume by the mean volume of the window including this bar', () => {
    const bars = [100, 300, 0].map((volume, i) => minuteBar(i, 10, { volume }));
    expect(run(new VolumeRatioIndicator(spec), bars, 'vr')).toEqual([null, 1.5, 0]);
  });

  it('is null when the window traded nothing', () => {
    const bars = [0, 0].map((volume, i) => minuteBar(i, 10, { volume }));
    expect(run(new VolumeRatioIndicator(spec), bars, 'vr')).toEqual([null, null]);
  });
});
