import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import type { SpecOf } from './feature-set.schema';
import { warmUp, type Indicator } from './indicator';
import { RollingMoments } from './rolling-moments';
import { sqrt } from './fast-math';

/**
 * z-score of `field` against its last `period` values, this bar included: (x - mean) / stdev,
 * population stdev by default (so zscore = 2k (%b - 0.5) for Bollinger k). A window of identical
 * values has no spread to measure against: its z-score is null, not 0 and not ±Infinity.
 */
export class ZscoreIndicator implements Indicator {
  private readonly window: RollingMoments;

  constructor(private readonly spec: SpecOf<'zscore'>, state?: unknown) {
    this.window = state === undefined ? RollingMoments.create(spec.period) : RollingMoments.fromJSON(state, spec.period);
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    const x = bar[this.spec.field];
    this.window.push(x);
    const mean = this.window.mean();
    const variance = this.window.count >= warmUp(this.spec) ? this.window.variance(this.spec.ddof) : null;
    out[this.spec.name] = mean === null || variance === null || variance === 0 ? null : finiteOrNull((x - mean) / sqrt(variance));
  }

  toJSON(): unknown[] {
    return this.window.toJSON();
  }
}
