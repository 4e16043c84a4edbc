import { ConfigError } from '@md/config';
import { DateTime } from 'luxon';
import { type CorporateActionRecord } from '@md/contracts';
import type { RecordSink, Rejected } from '@md/ingest';

// A corporate-actions backfill: every split and dividend with an ex-date in [fromDate, toDate)
// (the bars backfill's convention) onto md.corporate-actions.v1, keyed by symbol. Alpaca filters
// on the date it *processed* an action, which for a cash dividend is its pay date, weeks after the
// ex-date, so the process dates asked for run PROCESS_LAG_DAYS past `toDate` (and
// PROCESS_LEAD_DAYS before `fromDate`), and what comes back is kept by its ex-date. The process
// range is cut into calendar-year windows for the progress bar; windows do not overlap, so each
// action is fetched once. No checkpoint: a symbol has tens of actions, a rerun costs a request
// per year, and the writer's upsert on (symbol, exDate, kind) makes a rerun harmless.

/** Alpaca pays (and books) most dividends within a few weeks of the ex-date; 90 days covers the slow ones. */
export const PROCESS_LAG_DAYS = 90;
/** A split's pay date may precede its ex-date by a day; a week is ample. */
export const PROCESS_LEAD_DAYS = 7;

/** Where pages of actions come from (AlpacaCorporateActionsClient). */
export interface CorporateActionSource {
  readonly provider: string;
  pages(
    query: { symbols: readonly string[]; types?: readonly string[]; processedFrom: string; processedTo: string },
    signal?: AbortSignal,
  ): AsyncIterable<{ records: CorporateActionRecord[]; rejected: Rejected[] }>;
}

export interface CorporateActionsJob {
  symbols: readonly string[];
  /** Provider type names; default the source's (splits, stock and cash dividends). */
  types?: readonly string[];
  /** Ex-dates, YYYY-MM-DD: from inclusive, to exclusive. */
  fromDate: string;
  toDate: string;
}

export interface CorporateActionsProgress {
  /** The process-date window just finished ("2014"); null for the first report. */
  window: string | null;
  windowsDone: number;
  windowsTotal: number;
  actions: number;
  rejected: number;
  /** Actions returned whose ex-date lies outside [fromDate, toDate): another run's, not published here. */
  outside: number;
}

export interface CorporateActionsResult extends Omit<CorporateActionsProgress, 'window'> {
  aborted: boolean;
  elapsedMs: number;
}

export interface ProcessWindow {
  label: string;
  processedFrom: string;
  processedTo: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Contiguous calendar-year windows of process dates covering the job's ex-dates plus the lead and lag. */
export function processWindows(fromDate: string, toDate: string): ProcessWindow[] {
  if (!DATE.test(fromDate) || !DATE.test(toDate) || !(fromDate < toDate)) {
    throw new ConfigError(`backfill dates must be YYYY-MM-DD with from < to (got ${fromDate} .. ${toDate})`);
  }
  const first = DateTime.fromISO(fromDate, { zone: 'utc' }).minus({ days: PROCESS_LEAD_DAYS });
  const last = DateTime.fromISO(toDate, { zone: 'utc' }).plus({ days: PROCESS_LAG_DAYS - 1 });
  const windows: ProcessWindow[] = [];
  for (let start = first; start <= last; start = start.plus({ years: 1 }).startOf('year')) {
    const end = DateTime.min(start.endOf('year'), last);
    windows.push({ label: String(start.year), processedFrom: start.toISODate()!, processedTo: end.toISODate()! });
  }
  return windows;
}

/** Fetches every window, oldest first, publishing page by page (each publish awaited). */
export async function runCorporateActionsBackfill(
  job: CorporateActionsJob, source: CorporateActionSource, sink: RecordSink,
  options: { onProgress?: (p: CorporateActionsProgress) => void; signal?: AbortSignal } = {},
): Promise<CorporateActionsResult> {
  const began = Date.now();
  const windows = processWindows(job.fromDate, job.toDate);
  const progress: CorporateActionsProgress = { window: null, windowsDone: 0, windowsTotal: windows.length, actions: 0, rejected: 0, outside: 0 };
  options.onProgress?.({ ...progress });
  const result = (aborted: boolean) => ({ ...progress, aborted, elapsedMs: Date.now() - began });
  const inRange = (a: CorporateActionRecord) => a.exDate >= job.fromDate && a.exDate < job.toDate;
  try {
    for (const w of windows) {
      options.signal?.throwIfAborted();
      for await (const page of source.pages({ symbols: job.symbols, types: job.types, processedFrom: w.processedFrom, processedTo: w.processedTo }, options.signal)) {
        const actions = page.records.filter(inRange);
        if (actions.length > 0) await sink.publish(actions.map((value) => ({ kind: 'corporate_action' as const, value })));
        for (const rejected of page.rejected) await sink.reject(rejected);
        Object.assign(progress, { actions: progress.actions + actions.length, rejected: progress.rejected + page.rejected.length, outside: progress.outside + page.records.length - actions.length });
      }
      Object.assign(progress, { window: w.label, windowsDone: progress.windowsDone + 1 });
      options.onProgress?.({ ...progress });
    }
  } catch (err) {
    if (options.signal?.aborted) return result(true);
    throw err;
  }
  return result(false);
}
