// Robust location and scale for the outlier and volume checks.

/**
 * 1.4826 x MAD estimates the standard deviation for normal data (1 / Phi^-1(3/4));
 * Rousseeuw & Croux (1993), "Alternatives to the Median Absolute Deviation", JASA 88(424).
 */
export const MAD_TO_SIGMA = 1.4826;

/** Median of the values; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and robust scale (1.4826 x median absolute deviation from the median). */
export function robustScale(values: readonly number[]): { median: number; scale: number } {
  const center = median(values);
  return { median: center, scale: MAD_TO_SIGMA * median(values.map((v) => Math.abs(v - center))) };
}
