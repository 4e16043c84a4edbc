import { FeatureStateError } from './feature-state-error';

/**
 * A fixed-capacity window of numbers (STYLE.md habit 10: bounded). Stored in a Float64Array with
 * a moving head, so a push is O(1) and allocates nothing; serialised oldest first as a plain
 * array, which is the compact form the changelog carries.
 */
export class RingBuffer {
  private readonly items: Float64Array;
  private head = 0;
  private length = 0;

  constructor(readonly capacity: number, initial: readonly number[] = []) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity ${capacity} must be a positive integer`);
    if (initial.length > capacity) throw new FeatureStateError(`ring state holds ${initial.length} values, more than its capacity ${capacity}`);
    this.items = new Float64Array(capacity);
    this.items.set(initial);
    this.length = initial.length;
  }

  get size(): number {
    return this.length;
  }

  get full(): boolean {
    return this.length === this.capacity;
  }

  /** Appends a value; returns the one it pushed out when the window was full. */
  push(x: number): number | undefined {
    if (this.length < this.capacity) {
      this.items[(this.head + this.length++) % this.capacity] = x;
      return undefined;
    }
    const evicted = this.items[this.head];
    this.items[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  /** The i-th value, 0 = oldest. */
  at(i: number): number {
    return this.items[(this.head + i) % this.capacity];
  }

  get oldest(): number | undefined {
    return this.length === 0 ? undefined : this.items[this.head];
  }

  get newest(): number | undefined {
    return this.length === 0 ? undefined : this.at(this.length - 1);
  }

  toJSON(): number[] {
    const out = new Array<number>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i);
    return out;
  }
}
