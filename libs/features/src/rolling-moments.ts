import { CompensatedSum } from './compensated-sum';
import { StateReader } from './feature-state-error';
import { RingBuffer } from './ring-buffer';
import { max, min } from './fast-math';

/**
 * Mean and variance of the last `capacity` values, O(1) amortised per push.
 *
 * Why not Welford's rolling update or plain sums of x and x²: Welford's add/remove recurrence is
 * stable per step but its rounding errors add up as a random walk over an unbounded stream (the
 * engine never restarts a key), and sums of x and x² cancel catastrophically for prices (DBB at
 * $18 with a one-minute stdev of a cent: x² ≈ 324 against a variance of 1e-4, so the last digit
 * of the sum is worth 3e-10 of the variance). Here the sums are of deviations from a shift K
 * taken from the window itself, kept with Neumaier compensation, and re-based exactly from the
 * buffer every `capacity` pushes with K = the newest value: the error is bounded by one window's
 * operations however long the stream runs, and the re-base costs O(capacity) once per capacity
 * pushes. A window whose values are all identical (a thin ETF's flat minutes) is detected exactly
 * by a run counter, so its variance is exactly 0, not a rounding residue.
 */
export class RollingMoments {
  private constructor(
    readonly capacity: number,
    private readonly squares: boolean,
    private readonly ring: RingBuffer,
    private shift: number,
    private readonly s1: CompensatedSum,
    private readonly s2: CompensatedSum,
    private sinceRebase: number,
    /** How many of the newest values are identical (capped at capacity). */
    private run: number,
  ) {}

  /** A window of `capacity` values; `squares` false keeps the mean only (half the work). */
  static create(capacity: number, squares = true): RollingMoments {
    return new RollingMoments(capacity, squares, new RingBuffer(capacity), 0, CompensatedSum.zero(), CompensatedSum.zero(), 0, 0);
  }

  get count(): number {
    return this.ring.size;
  }

  get newest(): number | undefined {
    return this.ring.newest;
  }

  push(x: number): void {
    const previous = this.ring.newest;
    if (this.ring.size === 0) this.shift = x;
    this.run = previous === x ? min(this.run + 1, this.capacity) : 1;
    const evicted = this.ring.push(x);
    if (evicted !== undefined) this.remove(evicted);
    const d = x - this.shift;
    this.s1.add(d);
    if (this.squares) this.s2.add(d * d);
    if (++this.sinceRebase >= this.capacity) this.rebase();
  }

  /** Mean of the window; null when empty. */
  mean(): number | null {
    const n = this.ring.size;
    if (n === 0) return null;
    if (this.run >= n) return this.ring.newest!;
    return this.shift + this.s1.value / n;
  }

  /** Variance with `ddof` delta degrees of freedom (0 population, 1 sample); null with too few values. */
  variance(ddof: 0 | 1): number | null {
    const n = this.ring.size;
    if (n - ddof <= 0) return null;
    if (this.run >= n) return 0;
    const s1 = this.s1.value;
    return max(0, (this.s2.value - (s1 * s1) / n) / (n - ddof));
  }

  private remove(x: number): void {
    const d = x - this.shift;
    this.s1.add(-d);
    if (this.squares) this.s2.add(-(d * d));
  }

  private rebase(): void {
    this.sinceRebase = 0;
    this.shift = this.ring.newest!;
    this.s1.reset();
    this.s2.reset();
    for (let i = 0; i < this.ring.size; i++) {
      const d = this.ring.at(i) - this.shift;
      this.s1.add(d);
      if (this.squares) this.s2.add(d * d);
    }
  }

  toJSON(): unknown[] {
    return [this.ring.toJSON(), this.shift, ...this.s1.toJSON(), ...this.s2.toJSON(), this.sinceRebase, this.run];
  }

  static fromJSON(json: unknown, capacity: number, squares = true): RollingMoments {
    const state = StateReader.of(json, 'rolling window');
    const ring = new RingBuffer(capacity, state.numbers(capacity));
    const shift = state.number();
    const s1 = CompensatedSum.fromJSON(state);
    const s2 = CompensatedSum.fromJSON(state);
    const m = new RollingMoments(capacity, squares, ring, shift, s1, s2, state.count(capacity), state.count(capacity));
    state.end();
    return m;
  }
}
