import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import type { SpecOf } from './feature-set.schema';
import { warmUp, type Indicator } from './indicator';
import { RollingMoments } from './rolling-moments';

/**
 * This bar's volume over the mean volume of the last `period` bars, this one included (as
 * volume / volume.rolling(period).mean() in pandas): 1 is a typical bar. Null when that mean is 0.
 */
export class VolumeRatioIndicator implements Indicator {
  private readonly window: RollingMoments;

  constructor(private readonly spec: SpecOf<'volume_ratio'>, state?: unknown) {
    this.window = state === undefined ? RollingMoments.create(spec.period, false) : RollingMoments.fromJSON(state, spec.period, false);
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    this.window.push(bar.volume);
    const mean = this.window.count >= warmUp(this.spec) ? this.window.mean() : null;
    out[this.spec.name] = mean === null || mean === 0 ? null : finiteOrNull(bar.volume / mean);
  }

  toJSON(): unknown[] {
    return this.window.toJSON();
  }
}
