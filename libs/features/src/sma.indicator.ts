import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import type { SpecOf } from './feature-set.schema';
import { warmUp, type Indicator } from './indicator';
import { RollingMoments } from './rolling-moments';

/** Simple moving average of `field` over the last `period` bars (compensated rolling sum, see RollingMoments). */
export class SmaIndicator implements Indicator {
  private readonly window: RollingMoments;

  constructor(private readonly spec: SpecOf<'sma'>, state?: unknown) {
    this.window = state === undefined ? RollingMoments.create(spec.period, false) : RollingMoments.fromJSON(state, spec.period, false);
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    this.window.push(bar[this.spec.field]);
    out[this.spec.name] = this.window.count >= warmUp(this.spec) ? finiteOrNull(this.window.mean()) : null;
  }

  toJSON(): unknown[] {
    return this.window.toJSON();
  }
}
