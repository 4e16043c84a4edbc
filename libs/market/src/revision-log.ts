import { InvalidRecordError, type RawBar, type Timeframe } from '@md/contracts';
import { toScaled, toScaledNumber } from './decimal';

// Duplicates and late data. A bar is keyed by (symbol, timeframe, eventTime), not by provider:
// two providers' bars of one minute are the same bar. Its revision orders versions (Alpaca `u`
// updatedBars messages and provider corrections come with a higher one), the same rule as the
// sink's upsert `WHERE EXCLUDED.revision > bars.revision` (libs/storage/src/bar-writer.ts).
export type RevisionDecision =
  /** Never seen: pass on. */
  | 'new'
  /** Same revision, same content: drop. */
  | 'duplicate'
  /**
   * Same revision, different content: report, keep the first, drop this one. The first is what
   * the sink stored (it replaces only on a higher revision), and on a replay the same record is
   * first again, so keeping it is deterministic; a real correction must carry a higher revision.
   */
  | 'conflict'
  /** Higher revision than seen: replaces, pass on. */
  | 'revision'
  /** Lower revision than seen: drop. */
  | 'stale'
  /** Older than what is remembered: pass on undecided; the sink's upsert applies the same rule. */
  | 'late';

export interface RevisionLogOptions {
  /** Keys remembered per (symbol, timeframe): the newest this many event times. */
  readonly maxBarsPerSeries: number;
  /** Keys further than this behind the series' newest event time are forgotten, microseconds. */
  readonly horizonMicros: number;
  /** Series remembered; the least recently seen one is forgotten first (its bars then read as 'new'). */
  readonly maxSeries: number;
}

/** A day of minute bars, for corrections that arrive by the next session; 10k series (symbols x timeframes). */
export const DEFAULT_REVISION_LOG_OPTIONS: RevisionLogOptions = { maxBarsPerSeries: 1440, horizonMicros: 24 * 3_600_000_000, maxSeries: 10_000 };

export type RevisionKeyed = Pick<RawBar, 'symbol' | 'timeframe' | 'eventTime' | 'revision' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'tradeCount' | 'vwap'>;

/** One remembered version: [eventTime, revision, content]. */
export type RevisionEntry = [number, number, string];

export interface RevisionSeriesState {
  symbol: string;
  timeframe: Timeframe;
  /** Every seen key at or after this is remembered; older ones are 'late'. Never moves back. */
  forgottenBefore: number;
  /** Oldest first. */
  bars: RevisionEntry[];
}

/** Checkpoint form, for a Kafka changelog. */
export interface RevisionLogState {
  version: 1;
  series: RevisionSeriesState[];
}

/** Nothing forgotten yet; a finite number so the state stays valid JSON. */
const NOTHING_FORGOTTEN = Number.MIN_SAFE_INTEGER;

/** A price by value, so "17.9" and "17.90000000" are the same content. */
const scaled = (price: string) => String(toScaledNumber(price) ?? toScaled(price));

/** Content compared: OHLCV, tradeCount and vwap. */
const content = (b: RevisionKeyed) =>
  [scaled(b.open), scaled(b.high), scaled(b.low), scaled(b.close), b.volume, b.tradeCount ?? '', b.vwap === null ? '' : scaled(b.vwap)].join('|');

/** Index of the first entry with eventTime >= t (entries sorted by eventTime). */
function lowerBound(bars: RevisionEntry[], t: number): number {
  let [lo, hi] = [0, bars.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bars[mid][0] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bounded memory of recent bar versions. Memory: at most maxSeries x maxBarsPerSeries entries,
 * each a time, a revision and a content string of some 70 bytes.
 */
export class RevisionLog {
  private readonly series = new Map<string, RevisionSeriesState>();

  constructor(private readonly options: RevisionLogOptions = DEFAULT_REVISION_LOG_OPTIONS) {}

  /** Decides and records: a 'new' or 'revision' bar becomes the remembered version of its key. */
  decide(bar: RevisionKeyed): RevisionDecision {
    const s = this.touch(bar.symbol, bar.timeframe);
    if (bar.eventTime < s.forgottenBefore) return 'late';
    const i = lowerBound(s.bars, bar.eventTime);
    const seen = s.bars[i]?.[0] === bar.eventTime ? s.bars[i] : undefined;
    if (!seen) {
      s.bars.splice(i, 0, [bar.eventTime, bar.revision, content(bar)]);
      this.prune(s);
      return 'new';
    }
    if (bar.revision < seen[1]) return 'stale';
    if (bar.revision > seen[1]) {
      s.bars[i] = [bar.eventTime, bar.revision, content(bar)];
      return 'revision';
    }
    return seen[2] === content(bar) ? 'duplicate' : 'conflict';
  }

  /** Keys remembered, over all series. */
  get size(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.bars.length;
    return n;
  }

  toJSON(): RevisionLogState {
    return { version: 1, series: [...this.series.values()].map((s) => ({ ...s, bars: s.bars.map((b) => [...b] as RevisionEntry) })) };
  }

  /** Restores a checkpoint under the current options: a lowered bound applies at once. */
  static fromJSON(state: RevisionLogState, options: RevisionLogOptions = DEFAULT_REVISION_LOG_OPTIONS): RevisionLog {
    if (state?.version !== 1 || !Array.isArray(state.series)) throw new InvalidRecordError('revision log checkpoint: not a version 1 state');
    const log = new RevisionLog(options);
    for (const s of state.series) {
      const restored = log.touch(s.symbol, s.timeframe);
      restored.forgottenBefore = s.forgottenBefore;
      restored.bars = s.bars.map((b) => [...b] as RevisionEntry).sort((a, b) => a[0] - b[0]);
      log.prune(restored);
    }
    return log;
  }

  /** The series of a key, moved to the most recently seen end; the least recent is dropped past maxSeries. */
  private touch(symbol: string, timeframe: Timeframe): RevisionSeriesState {
    const key = `${timeframe}|${symbol}`;
    const s = this.series.get(key) ?? { symbol, timeframe, forgottenBefore: NOTHING_FORGOTTEN, bars: [] };
    this.series.delete(key);
    this.series.set(key, s);
    if (this.series.size > this.options.maxSeries) this.series.delete(this.series.keys().next().value!);
    return s;
  }

  /** Forgets keys past the horizon behind the newest, then beyond the count, oldest first. */
  private prune(s: RevisionSeriesState): void {
    if (s.bars.length === 0) return;
    let cutoff = Math.max(s.forgottenBefore, s.bars[s.bars.length - 1][0] - this.options.horizonMicros);
    let drop = lowerBound(s.bars, cutoff);
    if (s.bars.length - drop > this.options.maxBarsPerSeries) {
      drop = s.bars.length - this.options.maxBarsPerSeries;
      cutoff = Math.max(cutoff, s.bars[drop - 1][0] + 1);
    }
    s.forgottenBefore = cutoff;
    s.bars.splice(0, drop);
  }
}
