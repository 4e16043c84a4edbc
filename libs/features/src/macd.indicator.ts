import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import { StateReader } from './feature-state-error';
import type { SpecOf } from './feature-set.schema';
import type { Indicator } from './indicator';
import { SeededAverage } from './seeded-average';

/**
 * MACD (Appel): line = EMA(fast) - EMA(slow) from bar slow - 1 on; signal = EMA(signal) of the
 * line, seeded with the SMA of its first `signal` values (technicalindicators with
 * SimpleMAOscillator/SimpleMASignal false, and TA-Lib's MACDEXT with EMA types; TA-Lib's MACD
 * instead starts the fast EMA late so both begin on the same bar); histogram = line - signal.
 */
export class MacdIndicator implements Indicator {
  private readonly fast: SeededAverage;
  private readonly slow: SeededAverage;
  private readonly signal: SeededAverage;
  private readonly names: readonly [string, string, string];
  private readonly field: SpecOf<'macd'>['field'];

  constructor(spec: SpecOf<'macd'>, state?: unknown) {
    this.field = spec.field;
    this.names = [spec.name, `${spec.name}_signal`, `${spec.name}_hist`];
    const [fast, slow, signal] = [SeededAverage.ema(spec.fast), SeededAverage.ema(spec.slow), SeededAverage.ema(spec.signal)];
    if (state === undefined) {
      [this.fast, this.slow, this.signal] = [fast, slow, signal];
      return;
    }
    const s = StateReader.of(state, spec.name);
    [this.fast, this.slow, this.signal] = [SeededAverage.fromJSON(s.raw(), fast), SeededAverage.fromJSON(s.raw(), slow), SeededAverage.fromJSON(s.raw(), signal)];
    s.end();
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    const x = bar[this.field];
    const fast = this.fast.push(x);
    const slow = this.slow.push(x);
    const line = fast === null || slow === null ? null : fast - slow;
    const signal = line === null ? null : this.signal.push(line);
    out[this.names[0]] = finiteOrNull(line);
    out[this.names[1]] = finiteOrNull(signal);
    out[this.names[2]] = line === null || signal === null ? null : finiteOrNull(line - signal);
  }

  toJSON(): unknown[] {
    return [this.fast.toJSON(), this.slow.toJSON(), this.signal.toJSON()];
  }
}
