// Robust location and scale for the outlier and volume checks.

/**
 * 1.4826 x MAD estimates the standard deviation for normal data (1 / Phi^-1(3/4));
 * Rousseeuw & Croux (1993), "Alternatives to the Median Absolute Deviation", JASA 88(424).
 */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Median of the values; NaN for none. Selection (Hoare's quickselect, expected O(n)) on a typed
 * copy rather than a full sort: the monitor takes a median of its window on every bar, and the
 * comparator sort was the largest part of its CPU profile (npm run bench, per-stage table).
 */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const a = Float64Array.from(values);
  const mid = n >> 1;
  const upper = select(a, mid);
  if (n % 2 === 1) return upper;
  // After select, a[0..mid) holds the values below a[mid]: the lower middle is their largest.
  let lower = a[0];
  for (let i = 1; i < mid; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/** Robust location and scale (1.4826 x median absolute deviation from the median). */
export function robustScale(values: ArrayLike<number>): { median: number; scale: number } {
  const center = median(values);
  const deviations = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = Math.abs(values[i] - center);
  return { median: center, scale: MAD_TO_SIGMA * median(deviations) };
}

/** Puts the k-th smallest value at a[k], smaller ones before it, larger ones after; returns it. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = medianOfThree(a[lo], a[(lo + hi) >> 1], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

const medianOfThree = (x: number, y: number, z: number): number => Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));

/**
 * A window of values kept sorted beside their arrival order, so the robust scale of a sliding
 * window costs a binary search and a short move per value instead of a selection per bar
 * (the outlier check asks on every bar, over 390 returns).
 */
export class SortedWindow {
  private readonly sorted: number[];

  constructor(values: readonly number[] = []) {
    this.sorted = [...values].sort((a, b) => a - b);
  }

  add(value: number): void {
    this.sorted.splice(this.lowerBound(value), 0, value);
  }

  remove(value: number): void {
    const i = this.lowerBound(value);
    if (this.sorted[i] !== value) throw new Error(`SortedWindow: ${value} is not in the window`);
    this.sorted.splice(i, 1);
  }

  get size(): number {
    return this.sorted.length;
  }

  /** As robustScale of the same values: the median, and 1.4826 x the median distance from it. */
  robustScale(): { median: number; scale: number } {
    const s = this.sorted;
    const n = s.length;
    if (n === 0) return { median: Number.NaN, scale: Number.NaN };
    const mid = n >> 1;
    const center = n % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    // The distances from the center, smallest first, come from walking outward from the middle.
    let lo = mid - 1;
    let hi = mid;
    let last = 0;
    let previous = 0;
    for (let taken = 0; taken <= mid; taken++) {
      const below = lo >= 0 ? center - s[lo] : Number.POSITIVE_INFINITY;
      const above = hi < n ? s[hi] - center : Number.POSITIVE_INFINITY;
      previous = last;
      if (below < above) {
        last = below;
        lo--;
      } else {
        last = above;
        hi++;
      }
    }
    return { median: center, scale: MAD_TO_SIGMA * (n % 2 ? last : (previous + last) / 2) };
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.sorted[m] < value) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
}
