import { MdError } from '@md/contracts';

/**
 * A checkpointed feature state that cannot be restored: wrong shape, another feature set, another
 * version. Not retriable: the caller rebuilds the state by replaying the key's bars (issue #6,
 * item 6: "or rebuilt by replay from a known offset").
 */
export class FeatureStateError extends MdError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/**
 * Reads a compact state array written by a component's toJSON, checking each entry's type, so a
 * corrupt changelog record fails loudly instead of restoring NaN.
 */
export class StateReader {
  private index = 0;

  constructor(private readonly items: readonly unknown[], private readonly what: string) {}

  static of(json: unknown, what: string): StateReader {
    if (!Array.isArray(json)) throw new FeatureStateError(`${what}: state must be an array`);
    return new StateReader(json, what);
  }

  number(): number {
    const v = this.items[this.index++];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.error('a finite number');
    return v;
  }

  numberOrNull(): number | null {
    return this.items[this.index] === null ? (this.index++, null) : this.number();
  }

  count(max: number): number {
    const v = this.number();
    if (!Number.isInteger(v) || v < 0 || v > max) throw new FeatureStateError(`${this.what}: entry ${this.index - 1} must be an integer in [0, ${max}]`);
    return v;
  }

  stringOrNull(): string | null {
    const v = this.items[this.index++];
    if (v !== null && typeof v !== 'string') throw this.error('a string or null');
    return v as string | null;
  }

  numbers(maxLength: number): number[] {
    const v = this.items[this.index++];
    if (!Array.isArray(v) || v.length > maxLength || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw this.error(`an array of at most ${maxLength} finite numbers`);
    }
    return v as number[];
  }

  /** The next entry as it is: a nested component's state, which that component's fromJSON checks. */
  raw(): unknown {
    if (this.index >= this.items.length) throw this.error('present', this.index++);
    return this.items[this.index++];
  }

  /** Call last: a longer array is another layout, not this one. */
  end(): void {
    if (this.index !== this.items.length) throw new FeatureStateError(`${this.what}: expected ${this.index} entries, got ${this.items.length}`);
  }

  private error(expected: string, index = this.index - 1): FeatureStateError {
    return new FeatureStateError(`${this.what}: entry ${index} must be ${expected}`);
  }
}
