import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import { StateReader } from './feature-state-error';
import type { SpecOf } from './feature-set.schema';
import type { Indicator } from './indicator';
import { SeededAverage } from './seeded-average';
import { abs, max } from './fast-math';

/**
 * Wilder's average true range. True range = max(high - low, |high - prev close|, |low - prev
 * close|) needs a previous close, so the first bar has none (technicalindicators' convention;
 * Wilder's worksheet used high - low there): the first ATR is the mean of the true ranges of bars
 * 1..period, then ATR += (TR - ATR) / period.
 */
export class AtrIndicator implements Indicator {
  private readonly average: SeededAverage;
  private previousClose: number | null;

  constructor(private readonly spec: SpecOf<'atr'>, state?: unknown) {
    const blank = SeededAverage.wilder(spec.period, spec.minPeriods);
    if (state === undefined) {
      [this.average, this.previousClose] = [blank, null];
      return;
    }
    const s = StateReader.of(state, spec.name);
    this.previousClose = s.numberOrNull();
    this.average = SeededAverage.fromJSON(s.raw(), blank);
    s.end();
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    const previous = this.previousClose;
    this.previousClose = bar.close;
    if (previous === null) {
      out[this.spec.name] = null;
      return;
    }
    const trueRange = max(bar.high - bar.low, abs(bar.high - previous), abs(bar.low - previous));
    out[this.spec.name] = finiteOrNull(this.average.push(trueRange));
  }

  toJSON(): unknown[] {
    return [this.previousClose, this.average.toJSON()];
  }
}
