import { InvalidRecordError, type Timeframe } from '@md/contracts';
import { toScaled, toScaledNumber } from './decimal';
import type { RevisionDecision, RevisionKeyed } from './revision-log';
import { contentHash, packEntries, unpackEntries, type ContentHash } from './revision-packing';

// One series' memory of the bar versions passed on, (event time, revision, content hash) per
// minute, over a horizon: a repeat of a remembered content is a duplicate (at its revision or a
// higher one; the same revision with other content is a conflict), a lower revision is stale, and anything older than the horizon is late
// (passed on; the sink's revision rule settles it). Bounded twice: by the horizon, and by
// `maxEntries`, past which the oldest entries are forgotten early (counted as cap evictions).

export interface RevisionSeriesOptions {
  /** Entries kept at most; past it the oldest are forgotten and their repeats read as late. */
  readonly maxEntries: number;
  /** The earliest event time remembered, given the series' newest (a time horizon or tradingDayHorizon). */
  readonly horizonStart: (newestUs: number) => number;
}

/** Entries forgotten since the series was loaded, by why. */
export interface RevisionEvictions {
  horizon: number;
  cap: number;
}

/** Changelog form (version 2): the entries packed (revision-packing.ts). */
export interface RevisionSeriesJson {
  version: 2;
  symbol: string;
  timeframe: Timeframe;
  /** Every key at or after this is remembered; older ones are late. Never moves back. */
  forgottenBefore: number;
  first: number | null;
  unit: number;
  count: number;
  entries: string;
}

/** The version-1 form (RevisionLog's, one series per key), restored once after an upgrade. */
interface RevisionSeriesV1 {
  version: 1;
  series: Array<{ symbol: string; timeframe: Timeframe; forgottenBefore: number; bars: Array<[number, number, string]> }>;
}

/** Nothing forgotten yet; a finite number so the state stays valid JSON. */
export const NOTHING_FORGOTTEN = Number.MIN_SAFE_INTEGER;

/** A price by value, so "17.9" and "17.90000000" are the same content. */
const scaled = (price: string) => String(toScaledNumber(price) ?? toScaled(price));

/** The content compared: OHLCV, tradeCount and vwap (as version 1 compared it, now hashed). */
export const barContent = (b: RevisionKeyed) =>
  [scaled(b.open), scaled(b.high), scaled(b.low), scaled(b.close), b.volume, b.tradeCount ?? '', b.vwap === null ? '' : scaled(b.vwap)].join('|');

/** Index of the first time >= t (times sorted ascending). */
function lowerBound(times: readonly number[], t: number): number {
  let [lo, hi] = [0, times.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RevisionSeries {
  private times: number[] = [];
  private revisions: number[] = [];
  private hashes: ContentHash[] = [];
  private forgottenBefore = NOTHING_FORGOTTEN;
  /** Since this object was loaded; not part of the checkpoint. */
  readonly evicted: RevisionEvictions = { horizon: 0, cap: 0 };

  constructor(readonly symbol: string, readonly timeframe: Timeframe, private readonly options: RevisionSeriesOptions) {
    if (!(Number.isSafeInteger(options.maxEntries) && options.maxEntries > 0)) throw new RangeError(`maxEntries ${options.maxEntries} must be a whole number > 0`);
  }

  /** Decides and records: a 'new' or 'revision' bar becomes the remembered version of its time. */
  decide(bar: RevisionKeyed): RevisionDecision {
    const t = bar.eventTime;
    if (t < this.forgottenBefore) return 'late';
    const i = lowerBound(this.times, t);
    const hash = contentHash(barContent(bar));
    if (this.times[i] !== t) {
      this.times.splice(i, 0, t);
      this.revisions.splice(i, 0, bar.revision);
      this.hashes.splice(i, 0, hash);
      this.prune();
      return 'new';
    }
    if (bar.revision < this.revisions[i]) return 'stale';
    const same = this.hashes[i] === hash;
    if (bar.revision > this.revisions[i]) {
      // A higher revision with the same content (a REST re-fetch of a settled bar, settled-revision.ts)
      // confirms the bar: remembered at its revision, but nothing changes downstream.
      this.revisions[i] = bar.revision;
      this.hashes[i] = hash;
      return same ? 'duplicate' : 'revision';
    }
    return same ? 'duplicate' : 'conflict';
  }

  /** Entries remembered. */
  get size(): number {
    return this.times.length;
  }

  /** Event times before this read as late. */
  get horizon(): number {
    return this.forgottenBefore;
  }

  toJSON(): RevisionSeriesJson {
    const packed = packEntries(this.times, this.revisions, this.hashes);
    return { version: 2, symbol: this.symbol, timeframe: this.timeframe, forgottenBefore: this.forgottenBefore, first: packed.first, unit: packed.unit, count: packed.count, entries: packed.data };
  }

  /**
   * Restores a checkpoint under the current options (a lowered bound applies at once, counted as
   * evictions). Reads version 2 and, once after an upgrade, the version-1 RevisionLog state the
   * preprocessor kept before (its contents are hashed as they are read).
   */
  static fromJSON(stored: unknown, options: RevisionSeriesOptions): RevisionSeries {
    const s = stored as (Partial<Omit<RevisionSeriesJson, 'version'>> & { version?: number; series?: unknown[] }) | undefined;
    if (s?.version === 1 && Array.isArray(s.series) && s.series.length <= 1) return RevisionSeries.fromV1(s as RevisionSeriesV1, options);
    if (s?.version !== 2 || typeof s.symbol !== 'string' || typeof s.count !== 'number') throw new InvalidRecordError('revision series checkpoint: not a version 1 or 2 state');
    const series = new RevisionSeries(s.symbol, s.timeframe!, options);
    const { times, revisions, hashes } = unpackEntries({ first: s.first ?? null, unit: s.unit ?? 1, count: s.count, data: s.entries ?? '' });
    Object.assign(series, { times, revisions, hashes, forgottenBefore: s.forgottenBefore ?? NOTHING_FORGOTTEN });
    series.prune();
    return series;
  }

  private static fromV1(state: RevisionSeriesV1, options: RevisionSeriesOptions): RevisionSeries {
    const [old] = state.series;
    if (!old) throw new InvalidRecordError('revision series checkpoint: a version 1 state without its series');
    const series = new RevisionSeries(old.symbol, old.timeframe, options);
    const bars = [...old.bars].sort((a, b) => a[0] - b[0]);
    series.times = bars.map((b) => b[0]);
    series.revisions = bars.map((b) => b[1]);
    series.hashes = bars.map((b) => contentHash(b[2]));
    series.forgottenBefore = old.forgottenBefore;
    series.prune();
    return series;
  }

  /** Forgets entries before the horizon behind the newest, then beyond maxEntries, oldest first. */
  private prune(): void {
    if (this.times.length === 0) return;
    let cutoff = Math.max(this.forgottenBefore, this.options.horizonStart(this.times[this.times.length - 1]));
    const byHorizon = lowerBound(this.times, cutoff);
    let drop = byHorizon;
    if (this.times.length - drop > this.options.maxEntries) {
      drop = this.times.length - this.options.maxEntries;
      cutoff = Math.max(cutoff, this.times[drop - 1] + 1);
    }
    this.forgottenBefore = cutoff;
    if (drop === 0) return;
    this.times.splice(0, drop);
    this.revisions.splice(0, drop);
    this.hashes.splice(0, drop);
    this.evicted.horizon += byHorizon;
    this.evicted.cap += drop - byHorizon;
  }
}
