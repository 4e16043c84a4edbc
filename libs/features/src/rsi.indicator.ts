import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import { StateReader } from './feature-state-error';
import type { SpecOf } from './feature-set.schema';
import type { Indicator } from './indicator';
import { SeededAverage } from './seeded-average';

/**
 * Wilder's RSI (1978): average gain and average loss of `field` changes, each smoothed with
 * alpha = 1 / period and seeded with the mean of the first `period` changes, so the first value
 * comes at bar `period` (0-based), as technicalindicators and TA-Lib have it. Written as
 * 100 * gain / (gain + loss), equal to 100 - 100 / (1 + gain / loss) without dividing by a zero
 * loss: no loss gives 100, no gain 0, and neither (a flat window) null, since RS is 0/0 there.
 * technicalindicators returns 100 for that last case and rounds every RSI to 2 decimals.
 */
export class RsiIndicator implements Indicator {
  private readonly gain: SeededAverage;
  private readonly loss: SeededAverage;
  private previous: number | null;

  constructor(private readonly spec: SpecOf<'rsi'>, state?: unknown) {
    const gain = SeededAverage.wilder(spec.period, spec.minPeriods);
    const loss = SeededAverage.wilder(spec.period, spec.minPeriods);
    if (state === undefined) {
      [this.gain, this.loss, this.previous] = [gain, loss, null];
      return;
    }
    const s = StateReader.of(state, spec.name);
    this.previous = s.numberOrNull();
    this.gain = SeededAverage.fromJSON(s.raw(), gain);
    this.loss = SeededAverage.fromJSON(s.raw(), loss);
    s.end();
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    const x = bar[this.spec.field];
    const previous = this.previous;
    this.previous = x;
    if (previous === null) {
      out[this.spec.name] = null;
      return;
    }
    const change = x - previous;
    const gain = this.gain.push(change > 0 ? change : 0);
    const loss = this.loss.push(change < 0 ? -change : 0);
    out[this.spec.name] = gain === null || loss === null || gain + loss === 0 ? null : finiteOrNull((100 * gain) / (gain + loss));
  }

  toJSON(): unknown[] {
    return [this.previous, this.gain.toJSON(), this.loss.toJSON()];
  }
}
