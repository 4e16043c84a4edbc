// Exponentially weighted moving averages for the expectations of imbalance and run bars (AFML
// ch. 2.3.2: "estimate E0[T] as an exponentially weighted moving average of T values from prior
// bars"). The span convention is pandas' ewm(span=N): alpha = 2 / (N + 1).

export function ewmaAlpha(span: number): number {
  return 2 / (span + 1);
}

/** One EWMA step: the previous average moved alpha of the way to the new value. */
export function ewmaStep(average: number, value: number, alpha: number): number {
  return average + alpha * (value - average);
}

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
