import { ConfigError } from '@md/config';
import { DateTime } from 'luxon';
import { type RawBar, type Timeframe } from '@md/contracts';
import { tradingDay } from '@md/market';
import { asCheckpointed, type CheckpointedSink, type JobSink, type Rejected } from '@md/ingest';

// A resumable historical backfill: symbols x [fromDate, toDate) in New York trading-day windows.
// Each page is published in one Kafka transaction with the job's position (KafkaJobSink): the
// days fetched whole, and how many records and dead letters of the day in hand are committed. A
// restarted job skips the days it has and re-fetches the day in hand, skipping what of it is
// committed: a kill -9 at any point neither loses nor repeats a bar on the topic. What a restart
// costs: the requests of that one day again (one page for a symbol's minute bars), against the
// plan's budget. The skip counts records in the provider's order, which a past day keeps; were it
// corrected between the two starts, a bar at the skip point could repeat or be missed, and the
// pipeline's revision rules settle a repeat.

/** Where pages of bars come from (AlpacaRestClient, or any other REST connector). */
export interface BarPageSource {
  readonly provider: string;
  barPages(
    window: { symbols: readonly string[]; timeframe: Timeframe; fromUs: number; toUs: number },
    signal?: AbortSignal,
  ): AsyncIterable<{ records: RawBar[]; rejected: Rejected[] }>;
}

export interface BackfillJob {
  symbols: readonly string[];
  timeframe: Timeframe;
  /** Provider feed, part of the job's identity (iex and sip bars differ). */
  feed: string;
  /** New York dates, YYYY-MM-DD: from inclusive, to exclusive. */
  fromDate: string;
  toDate: string;
  /** Skip days the NYSE calendar says are closed: exchange feeds (iex, sip) have no data then. */
  skipClosedDays: boolean;
}

/** A backfill's checkpoint: the days fetched whole, and the committed part of the day in hand. */
export interface BackfillPosition {
  completed: string[];
  window: { date: string; records: number; rejected: number } | null;
}

/**
 * The job's checkpoint key and what it must match: provider, feed, timeframe and symbols (the
 * days are the position, so a rerun over a longer range fetches only the days it lacks). `name`
 * (--job) names the key instead; a stored job of that name with another identity is refused.
 */
export function backfillIdentity(job: Pick<BackfillJob, 'symbols' | 'timeframe' | 'feed'>, provider: string, name?: string): { key: string; params: unknown } {
  const params = { provider, feed: job.feed, timeframe: job.timeframe, symbols: [...new Set(job.symbols.map((s) => s.toUpperCase()))].sort() };
  return { key: `backfill|${name ?? `${provider}|${params.feed}|${params.timeframe}|${params.symbols.join(',')}`}`, params };
}

export interface BackfillProgress {
  /** The window just finished; null for the first report, before any fetch. */
  date: string | null;
  windowsDone: number;
  windowsTotal: number;
  bars: number;
  rejected: number;
}

export interface BackfillResult extends Omit<BackfillProgress, 'date'> {
  /** Windows found complete in the checkpoint and not fetched again. */
  windowsResumed: number;
  aborted: boolean;
  elapsedMs: number;
}

export interface BackfillOptions {
  onProgress?: (progress: BackfillProgress) => void;
  signal?: AbortSignal;
}

export interface DayWindow {
  date: string;
  fromUs: number;
  toUs: number;
}

const ZONE = 'America/New_York';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** New York midnight to midnight (23 or 25 hours on DST days), as UTC micros. */
export function dayWindows(fromDate: string, toDate: string, skipClosedDays: boolean): DayWindow[] {
  if (!DATE.test(fromDate) || !DATE.test(toDate) || !(fromDate < toDate)) {
    throw new ConfigError(`backfill dates must be YYYY-MM-DD with from < to (got ${fromDate} .. ${toDate})`);
  }
  const windows: DayWindow[] = [];
  for (let day = DateTime.fromISO(fromDate, { zone: ZONE }); day.toISODate()! < toDate; day = day.plus({ days: 1 })) {
    const date = day.toISODate()!;
    if (skipClosedDays && !tradingDay(date).open) continue;
    windows.push({ date, fromUs: day.toMillis() * 1000, toUs: day.plus({ days: 1 }).toMillis() * 1000 });
  }
  return windows;
}

/** Fetches every window not yet in the checkpoint, oldest first, publishing page by page. */
export async function runBackfill(job: BackfillJob, source: BarPageSource, jobSink: JobSink<BackfillPosition>, options: BackfillOptions = {}): Promise<BackfillResult> {
  const began = Date.now();
  const sink = asCheckpointed(jobSink);
  const symbols = backfillIdentity(job, source.provider).params as { symbols: string[] };
  const windows = dayWindows(job.fromDate, job.toDate, job.skipClosedDays);
  const position: BackfillPosition = { completed: [...(sink.resumeAt?.completed ?? [])], window: sink.resumeAt?.window ?? null };
  const completed = new Set(position.completed);
  const windowsResumed = windows.filter((w) => completed.has(w.date)).length;
  const progress: BackfillProgress = { date: null, windowsDone: windowsResumed, windowsTotal: windows.length, bars: 0, rejected: 0 };
  options.onProgress?.({ ...progress });
  const result = () => ({ ...progress, windowsResumed, elapsedMs: Date.now() - began });
  // A day's completion commits with the next day's first page, or at the end (a day without bars commits nothing itself).
  let uncommitted = false;
  try {
    for (const window of windows.filter((w) => !completed.has(w.date))) {
      options.signal?.throwIfAborted();
      await fetchWindow(window, job, symbols.symbols, source, sink, progress, position, options.signal);
      completed.add(window.date);
      Object.assign(position, { completed: [...completed].sort(), window: null });
      uncommitted = true;
      Object.assign(progress, { date: window.date, windowsDone: progress.windowsDone + 1 });
      options.onProgress?.({ ...progress });
    }
    if (uncommitted) await sink.publish([], { ...position });
  } catch (err) {
    if (options.signal?.aborted) return { ...result(), aborted: true };
    throw err;
  }
  return { ...result(), aborted: false };
}

/** Publishes the window's pages, skipping what a previous start committed. */
async function fetchWindow(
  window: DayWindow, job: BackfillJob, symbols: string[], source: BarPageSource, sink: CheckpointedSink<BackfillPosition>,
  progress: BackfillProgress, position: BackfillPosition, signal?: AbortSignal,
): Promise<void> {
  const skip = position.window?.date === window.date ? position.window : { records: 0, rejected: 0 };
  const seen = { records: 0, rejected: 0 };
  for await (const page of source.barPages({ symbols, timeframe: job.timeframe, fromUs: window.fromUs, toUs: window.toUs }, signal)) {
    const records = page.records.slice(Math.max(0, skip.records - seen.records));
    const rejected = page.rejected.slice(Math.max(0, skip.rejected - seen.rejected));
    seen.records += page.records.length;
    seen.rejected += page.rejected.length;
    if (records.length + rejected.length === 0) continue;
    for (const r of rejected) await sink.reject(r);
    position.window = { date: window.date, ...seen };
    await sink.publish(records.map((value) => ({ kind: 'bar' as const, value })), { ...position });
    progress.bars += records.length;
    progress.rejected += rejected.length;
  }
}
