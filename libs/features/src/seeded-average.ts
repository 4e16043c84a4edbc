import { FeatureStateError, StateReader } from './feature-state-error';

/**
 * An exponential moving average seeded with the simple mean of its first `period` inputs: EMA
 * with alpha = 2 / (period + 1), Wilder's smoothing (RSI, ATR; Wilder 1978, "New Concepts in
 * Technical Trading Systems") with alpha = 1 / period. The SMA seed is the convention of Wilder,
 * TA-Lib and technicalindicators; pandas' ewm(adjust=False) seeds with the first value instead and
 * differs for the first few hundred bars. The update is written as prev + alpha * (x - prev),
 * technicalindicators' form: the recursion is contractive (|1 - alpha| < 1), so a rounding error
 * decays instead of accumulating, and no compensation is needed.
 *
 * Before `period` inputs the value is null, or, with `minPeriods`, the mean of the inputs so far
 * (which at `period` inputs is exactly the seed, so the two modes join without a step).
 */
export class SeededAverage {
  private constructor(
    readonly period: number,
    private readonly alpha: number,
    private readonly minPeriods: number,
    private count: number,
    private seedSum: number,
    private current: number | null,
  ) {}

  static ema(period: number, minPeriods = period): SeededAverage {
    return new SeededAverage(period, 2 / (period + 1), minPeriods, 0, 0, null);
  }

  static wilder(period: number, minPeriods = period): SeededAverage {
    return new SeededAverage(period, 1 / period, minPeriods, 0, 0, null);
  }

  /** Feeds one input; returns the average after it (null while warming up). */
  push(x: number): number | null {
    if (this.count >= this.period) {
      this.current = this.current! + (x - this.current!) * this.alpha;
      return this.current;
    }
    this.seedSum += x;
    this.count++;
    if (this.count === this.period) {
      this.current = this.seedSum / this.period;
      return this.current;
    }
    return this.count >= this.minPeriods ? this.seedSum / this.count : null;
  }

  /** The average after the last input (null while warming up). */
  get value(): number | null {
    if (this.count >= this.period) return this.current;
    return this.count >= this.minPeriods && this.count > 0 ? this.seedSum / this.count : null;
  }

  toJSON(): unknown[] {
    return [this.count, this.seedSum, this.current];
  }

  /** Restores a state written by toJSON into an average built like `blank`. */
  static fromJSON(json: unknown, blank: SeededAverage): SeededAverage {
    const state = StateReader.of(json, 'seeded average');
    const avg = new SeededAverage(blank.period, blank.alpha, blank.minPeriods, state.count(blank.period), state.number(), state.numberOrNull());
    state.end();
    if ((avg.count === avg.period) !== (avg.current !== null)) throw new FeatureStateError('seeded average: a value must be present exactly when seeded');
    return avg;
  }
}
