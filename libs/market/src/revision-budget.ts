import { InvalidRecordError } from '@md/contracts';

// The total bound on remembered bar versions. Each series is bounded by its horizon and its own
// cap (revision-series.ts), but the number of series is not: a universe of symbols grows. This
// keeps, per state partition, how many entries each series holds, in least-recently-decided order,
// and names the series to forget when the total passes the cap. It is state like the series (in
// the same changelog, in the same transactions), so the choice is the same after a restart.

/** Changelog form: [series key, entries], least recently decided first. */
export type RevisionBudgetJson = Array<[string, number]>;

export class RevisionBudget {
  private readonly held = new Map<string, number>();
  private sum = 0;

  constructor(readonly maxEntries: number) {
    if (!(Number.isSafeInteger(maxEntries) && maxEntries > 0)) throw new RangeError(`maxEntries ${maxEntries} must be a whole number > 0`);
  }

  /**
   * Records that `key` now holds `entries` (0: forgotten) and returns the series to forget, least
   * recently decided first, until the total is within the cap again. The series just decided is
   * never among them: it is the one in use.
   */
  update(key: string, entries: number): Array<{ key: string; entries: number }> {
    this.sum -= this.held.get(key) ?? 0;
    this.held.delete(key);
    if (entries > 0) {
      this.held.set(key, entries);
      this.sum += entries;
    }
    const forget: Array<{ key: string; entries: number }> = [];
    for (const [other, n] of this.held) {
      if (this.sum <= this.maxEntries) break;
      if (other === key) continue;
      this.held.delete(other);
      this.sum -= n;
      forget.push({ key: other, entries: n });
    }
    return forget;
  }

  /** Entries held over all series. */
  get total(): number {
    return this.sum;
  }

  get seriesCount(): number {
    return this.held.size;
  }

  toJSON(): RevisionBudgetJson {
    return [...this.held];
  }

  static fromJSON(stored: unknown, maxEntries: number): RevisionBudget {
    const budget = new RevisionBudget(maxEntries);
    if (stored === undefined) return budget;
    if (!Array.isArray(stored)) throw new InvalidRecordError('revision budget checkpoint: not a list of [series, entries]');
    for (const [key, n] of stored as RevisionBudgetJson) {
      if (typeof key !== 'string' || !(Number.isSafeInteger(n) && n > 0)) throw new InvalidRecordError(`revision budget checkpoint: bad entry ${JSON.stringify([key, n])}`);
      budget.held.set(key, n);
      budget.sum += n;
    }
    return budget;
  }
}
