import { ConfigError } from '@md/config';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { type RawBar, type Timeframe } from '@md/contracts';
import { tradingDay } from '@md/market';
import type { RecordSink, Rejected } from '@md/ingest';

// A resumable historical backfill: symbols x [fromDate, toDate) in New York trading-day windows.
// A window is checkpointed only after every page of it was published (RecordSink.publish resolves
// once durable), so a crash re-fetches at most the window in flight; the sinks' idempotent upserts
// absorb that repeat (DESIGN.md, "exactly-once-keyed").

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
  /** Provider feed, part of the checkpoint's identity (iex and sip bars differ). */
  feed: string;
  /** New York dates, YYYY-MM-DD: from inclusive, to exclusive. */
  fromDate: string;
  toDate: string;
  /** JSON file of completed windows; created on first use. */
  checkpointPath: string;
  /** Skip days the NYSE calendar says are closed: exchange feeds (iex, sip) have no data then. */
  skipClosedDays: boolean;
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

const CheckpointFile = z.object({
  version: z.literal(1),
  job: z.object({ provider: z.string(), feed: z.string(), timeframe: z.string(), symbols: z.array(z.string()) }),
  completed: z.array(z.string().regex(DATE)),
});
type CheckpointFile = z.infer<typeof CheckpointFile>;

function identity(job: BackfillJob, provider: string): CheckpointFile['job'] {
  return { provider, feed: job.feed, timeframe: job.timeframe, symbols: [...new Set(job.symbols.map((s) => s.toUpperCase()))].sort() };
}

/** Completed dates of this job; a checkpoint of another job is refused, not overwritten. */
export async function loadCheckpoint(path: string, job: CheckpointFile['job']): Promise<Set<string>> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return new Set();
  const parsed = CheckpointFile.safeParse(parseJson(text));
  if (!parsed.success) throw new ConfigError(`checkpoint ${path} is not a backfill checkpoint: ${parsed.error.issues[0].message}`);
  if (JSON.stringify(parsed.data.job) !== JSON.stringify(job)) {
    throw new ConfigError(`checkpoint ${path} belongs to another job (${JSON.stringify(parsed.data.job)}): use another path or delete it`);
  }
  return new Set(parsed.data.completed);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Write-then-rename, so a crash mid-write leaves the previous checkpoint whole. */
async function saveCheckpoint(path: string, job: CheckpointFile['job'], completed: Set<string>): Promise<void> {
  const file: CheckpointFile = { version: 1, job, completed: [...completed].sort() };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify(file, null, 1)}\n`);
  await rename(`${path}.tmp`, path);
}

/** Fetches every window not yet in the checkpoint, oldest first, publishing page by page. */
export async function runBackfill(job: BackfillJob, source: BarPageSource, sink: RecordSink, options: BackfillOptions = {}): Promise<BackfillResult> {
  const began = Date.now();
  const id = identity(job, source.provider);
  const windows = dayWindows(job.fromDate, job.toDate, job.skipClosedDays);
  const completed = await loadCheckpoint(job.checkpointPath, id);
  const windowsResumed = windows.filter((w) => completed.has(w.date)).length;
  const progress: BackfillProgress = { date: null, windowsDone: windowsResumed, windowsTotal: windows.length, bars: 0, rejected: 0 };
  options.onProgress?.({ ...progress });
  const result = () => ({ ...progress, windowsResumed, elapsedMs: Date.now() - began });
  try {
    for (const window of windows.filter((w) => !completed.has(w.date))) {
      options.signal?.throwIfAborted();
      await fetchWindow(window, job, id.symbols, source, sink, progress, options.signal);
      completed.add(window.date);
      await saveCheckpoint(job.checkpointPath, id, completed);
      Object.assign(progress, { date: window.date, windowsDone: progress.windowsDone + 1 });
      options.onProgress?.({ ...progress });
    }
  } catch (err) {
    if (options.signal?.aborted) return { ...result(), aborted: true };
    throw err;
  }
  return { ...result(), aborted: false };
}

async function fetchWindow(
  window: DayWindow, job: BackfillJob, symbols: string[], source: BarPageSource, sink: RecordSink, progress: BackfillProgress, signal?: AbortSignal,
): Promise<void> {
  const pages = source.barPages({ symbols, timeframe: job.timeframe, fromUs: window.fromUs, toUs: window.toUs }, signal);
  for await (const page of pages) {
    if (page.records.length > 0) await sink.publish(page.records.map((value) => ({ kind: 'bar' as const, value })));
    for (const rejected of page.rejected) await sink.reject(rejected);
    progress.bars += page.records.length;
    progress.rejected += page.rejected.length;
  }
}
