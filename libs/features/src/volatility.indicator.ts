import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import { StateReader } from './feature-state-error';
import type { SpecOf } from './feature-set.schema';
import { warmUp, type Indicator } from './indicator';
import { logReturn } from './returns.indicator';
import { RollingMoments } from './rolling-moments';
import { max, sqrt } from './fast-math';

/**
 * Rolling volatility: the standard deviation of the last `period` one-bar log returns of `field`
 * (per bar; annualise outside with sqrt(bars per year)). Sample (ddof 1) by default, as pandas'
 * rolling std. A bar whose return is undefined (a non-positive price) adds no return. A flat
 * window's volatility is exactly 0 (see RollingMoments), a value, not a gap.
 */
export class VolatilityIndicator implements Indicator {
  private readonly window: RollingMoments;
  private previous: number | null;

  constructor(private readonly spec: SpecOf<'volatility'>, state?: unknown) {
    if (state === undefined) {
      [this.window, this.previous] = [RollingMoments.create(spec.period), null];
      return;
    }
    const s = StateReader.of(state, spec.name);
    this.previous = s.numberOrNull();
    this.window = RollingMoments.fromJSON(s.raw(), spec.period);
    s.end();
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    const x = bar[this.spec.field];
    const r = this.previous === null ? null : logReturn(x, this.previous);
    this.previous = x;
    if (r !== null) this.window.push(r);
    const variance = this.window.count >= max(warmUp(this.spec), this.spec.ddof + 1) ? this.window.variance(this.spec.ddof) : null;
    out[this.spec.name] = variance === null ? null : finiteOrNull(sqrt(variance));
  }

  toJSON(): unknown[] {
    return [this.previous, this.window.toJSON()];
  }
}
