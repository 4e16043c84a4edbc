import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import type { SpecOf } from './feature-set.schema';
import { warmUp, type Indicator } from './indicator';
import { RollingMoments } from './rolling-moments';
import { sqrt } from './fast-math';

/**
 * Bollinger bands: SMA(period) ± stdDev × the population standard deviation of the same window
 * (Bollinger's definition, and technicalindicators'; pandas' rolling std would be the sample
 * one). %b = (x - lower) / (upper - lower) and width = (upper - lower) / middle are null where
 * their denominator is 0 (a flat window; a zero middle).
 */
export class BollingerIndicator implements Indicator {
  private readonly window: RollingMoments;
  private readonly names: readonly string[];

  constructor(private readonly spec: SpecOf<'bollinger'>, state?: unknown) {
    this.window = state === undefined ? RollingMoments.create(spec.period) : RollingMoments.fromJSON(state, spec.period);
    this.names = ['middle', 'upper', 'lower', 'pctb', 'width'].map((suffix) => `${spec.name}_${suffix}`);
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    const x = bar[this.spec.field];
    this.window.push(x);
    const [middle, upper, lower, pctb, width] = this.names;
    const mean = this.window.mean();
    const variance = this.window.variance(0);
    if (this.window.count < warmUp(this.spec) || mean === null || variance === null) {
      for (const name of this.names) out[name] = null;
      return;
    }
    const band = this.spec.stdDev * sqrt(variance);
    const up = mean + band;
    const low = mean - band;
    out[middle] = finiteOrNull(mean);
    out[upper] = finiteOrNull(up);
    out[lower] = finiteOrNull(low);
    out[pctb] = up === low ? null : finiteOrNull((x - low) / (up - low));
    out[width] = mean === 0 ? null : finiteOrNull((up - low) / mean);
  }

  toJSON(): unknown[] {
    return this.window.toJSON();
  }
}
