import { StateReader } from './feature-state-error';
import { abs } from './fast-math';

/**
 * Neumaier's compensated sum (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren zur
 * Summation endlicher Summen", ZAMM 54; the improved Kahan–Babuška form): the lost low-order
 * bits of every addition are collected in `c`, so a long stream of adds and removes keeps an
 * error of about one rounding of the result instead of one per operation. Plain Kahan loses
 * that guarantee when an addend is larger than the running sum, which a rolling window's
 * removals produce all the time.
 */
export class CompensatedSum {
  private constructor(private sum: number, private c: number) {}

  static zero(): CompensatedSum {
    return new CompensatedSum(0, 0);
  }

  add(x: number): void {
    const t = this.sum + x;
    this.c += abs(this.sum) >= abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.c;
  }

  reset(): void {
    this.sum = 0;
    this.c = 0;
  }

  toJSON(): [number, number] {
    return [this.sum, this.c];
  }

  static fromJSON(state: StateReader): CompensatedSum {
    return new CompensatedSum(state.number(), state.number());
  }
}
