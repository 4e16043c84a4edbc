import type { FeatureBar, FeatureValues } from './feature-bar';

/**
 * One configured indicator of a feature set, fed every bar of its stream in event-time order.
 * update writes its outputs (outputNames of its spec) into `out`; toJSON returns its whole state
 * as a compact array that the indicator's constructor accepts back, so a state that went through
 * JSON continues bit-identically (numbers survive JSON.stringify/parse exactly; -0 is never kept).
 */
export interface Indicator {
  update(bar: FeatureBar, out: FeatureValues): void;
  toJSON(): unknown[];
}

/** Inputs before an indicator emits: `minPeriods` when configured, else the full window. */
export function warmUp(spec: { period: number; minPeriods?: number }): number {
  return spec.minPeriods ?? spec.period;
}
