import { InvalidRecordError, type RawBar, type Timeframe } from '@md/contracts';
import { RevisionSeries, type RevisionSeriesJson, type RevisionSeriesOptions } from './revision-series';

// Duplicates and late data. A bar is keyed by (symbol, timeframe, eventTime), not by provider:
// two providers' bars of one minute are the same bar. Its revision orders versions (Alpaca `u`
// updatedBars messages and provider corrections come with a higher one), the same rule as the
// sink's upsert `WHERE EXCLUDED.revision > bars.revision` (libs/storage/src/bar-writer.ts).
export type RevisionDecision =
  /** Never seen: pass on. */
  | 'new'
  /** Same content at the same or a higher revision (a settled re-fetch that confirms the bar): drop. */
  | 'duplicate'
  /**
   * Same revision, different content: report, keep the first, drop this one. The first is what
   * the sink stored (it replaces only on a higher revision), and on a replay the same record is
   * first again, so keeping it is deterministic; a real correction must carry a higher revision.
   */
  | 'conflict'
  /** Higher revision than seen, with other content: replaces, pass on. */
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

/** Checkpoint form, for a Kafka changelog: each series packed (revision-series.ts). */
export interface RevisionLogState {
  version: 2;
  series: RevisionSeriesJson[];
}

/**
 * Bounded memory of recent bar versions over many series, each a RevisionSeries with a horizon
 * of `horizonMicros` behind its newest bar. Memory: at most maxSeries x maxBarsPerSeries entries
 * of ~8 bytes packed. (The preprocessor keeps one RevisionSeries per state key instead, with a
 * horizon in trading days; this is the same rule for in-process users such as test oracles.)
 */
export class RevisionLog {
  private readonly series = new Map<string, RevisionSeries>();
  private readonly seriesOptions: RevisionSeriesOptions;

  constructor(private readonly options: RevisionLogOptions = DEFAULT_REVISION_LOG_OPTIONS) {
    this.seriesOptions = { maxEntries: options.maxBarsPerSeries, horizonStart: (newest) => newest - options.horizonMicros };
  }

  /** Decides and records: a 'new' or 'revision' bar becomes the remembered version of its key. */
  decide(bar: RevisionKeyed): RevisionDecision {
    return this.touch(bar.symbol, bar.timeframe).decide(bar);
  }

  /** Keys remembered, over all series. */
  get size(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.size;
    return n;
  }

  toJSON(): RevisionLogState {
    return { version: 2, series: [...this.series.values()].map((s) => s.toJSON()) };
  }

  /** Restores a checkpoint (version 2, or version 1 of before the packed form) under the current options: a lowered bound applies at once. */
  static fromJSON(state: RevisionLogState | { version: 1; series: unknown[] }, options: RevisionLogOptions = DEFAULT_REVISION_LOG_OPTIONS): RevisionLog {
    if ((state?.version !== 1 && state?.version !== 2) || !Array.isArray(state.series)) throw new InvalidRecordError('revision log checkpoint: not a version 1 or 2 state');
    const log = new RevisionLog(options);
    for (const stored of state.series) {
      const series = RevisionSeries.fromJSON(state.version === 1 ? { version: 1, series: [stored] } : stored, log.seriesOptions);
      log.touch(series.symbol, series.timeframe, series);
    }
    return log;
  }

  /** The series of a key, moved to the most recently seen end; the least recent is dropped past maxSeries. */
  private touch(symbol: string, timeframe: Timeframe, restored?: RevisionSeries): RevisionSeries {
    const key = `${timeframe}|${symbol}`;
    const s = restored ?? this.series.get(key) ?? new RevisionSeries(symbol, timeframe, this.seriesOptions);
    this.series.delete(key);
    this.series.set(key, s);
    if (this.series.size > this.options.maxSeries) this.series.delete(this.series.keys().next().value!);
    return s;
  }
}
