import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import type { SpecOf } from './feature-set.schema';
import type { Indicator } from './indicator';
import { SeededAverage } from './seeded-average';

/** Exponential moving average, alpha = 2 / (period + 1), seeded with the SMA of the first `period` values. */
export class EmaIndicator implements Indicator {
  private readonly average: SeededAverage;

  constructor(private readonly spec: SpecOf<'ema'>, state?: unknown) {
    const blank = SeededAverage.ema(spec.period, spec.minPeriods);
    this.average = state === undefined ? blank : SeededAverage.fromJSON(state, blank);
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    out[this.spec.name] = finiteOrNull(this.average.push(bar[this.spec.field]));
  }

  toJSON(): unknown[] {
    return this.average.toJSON();
  }
}
