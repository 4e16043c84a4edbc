import { finiteOrNull, type FeatureBar, type FeatureValues } from './feature-bar';
import { StateReader } from './feature-state-error';
import type { SpecOf } from './feature-set.schema';
import type { Indicator } from './indicator';
import { RingBuffer } from './ring-buffer';
import { log1p } from './fast-math';

/** Simple return x_t / x_{t-k} - 1, computed as (x_t - x_{t-k}) / x_{t-k} (exact for small moves). */
export function simpleReturn(now: number, before: number): number | null {
  return before === 0 ? null : finiteOrNull((now - before) / before);
}

/** Log return ln(x_t / x_{t-k}) as log1p of the simple return (no loss for small moves); null unless both prices are positive. */
export function logReturn(now: number, before: number): number | null {
  return now > 0 && before > 0 ? finiteOrNull(log1p((now - before) / before)) : null;
}

/** Simple or log return of `field` over `period` bars (kinds 'return' and 'log_return'). */
export class ReturnIndicator implements Indicator {
  private readonly past: RingBuffer;
  private readonly formula: (now: number, before: number) => number | null;

  constructor(private readonly spec: SpecOf<'return'> | SpecOf<'log_return'>, state?: unknown) {
    this.formula = spec.kind === 'return' ? simpleReturn : logReturn;
    if (state === undefined) {
      this.past = new RingBuffer(spec.period);
      return;
    }
    const s = StateReader.of(state, spec.name);
    this.past = new RingBuffer(spec.period, s.numbers(spec.period));
    s.end();
  }

  update(bar: FeatureBar, out: FeatureValues): void {
    const x = bar[this.spec.field];
    const before = this.past.full ? this.past.oldest! : null;
    this.past.push(x);
    out[this.spec.name] = before === null ? null : this.formula(x, before);
  }

  toJSON(): unknown[] {
    return [this.past.toJSON()];
  }
}
