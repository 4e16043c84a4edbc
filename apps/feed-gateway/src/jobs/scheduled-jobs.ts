import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { ALPACA_ACTION_TYPES, type AlpacaOptionFeed } from '@md/providers';
import type { IngestProducer } from '@md/ingest';
import type { GatewayConfig } from '../config';
import { budgetFor } from '../backfill/backfill.env';
import { runCorporateActionsBackfill } from '../backfill/corporate-actions.job';
import { runOptionsChainBackfill, type OptionChainSource } from '../backfill/options-chain.job';
import { AlpacaCorporateActionsClient } from '../providers/alpaca/alpaca-corporate-actions.client';
import { AlpacaOptionsClient } from '../providers/alpaca/alpaca-options.client';
import type { AlpacaConnection } from '../providers/alpaca/alpaca-rest.http';
import { alpacaKeys } from '../streams';
import { parseSchedule } from './job-schedule';
import type { ScheduledJob } from './job-scheduler';
import { SeenActionsSink, type SeenActions } from './seen-actions.sink';
import { readUniverse } from './universe-file';

// The scheduled jobs the config asks for, each a run of the backfill's own job function
// (backfill/*.job.ts), so `npm run backfill`, the in-process scheduler and the CronJobs
// (run-job.main.ts) fetch and map alike. GatewayConfig requires the Alpaca keys, symbols,
// universe file and rate with a schedule, hence the non-null assertions.

export const JOB_NAMES = { corporateActions: 'corporate-actions', optionsChain: 'options-chain' } as const;

/** Dates are New York's: an ex-date is an exchange date (NYSE/Nasdaq listing rules). */
const EXCHANGE_ZONE = 'America/New_York';

export function scheduledJobs(c: GatewayConfig, kafka: IngestProducer, now: () => number = Date.now): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  if (c.SCHEDULE_CORPORATE_ACTIONS) {
    jobs.push({ name: JOB_NAMES.corporateActions, schedule: parseSchedule(c.SCHEDULE_CORPORATE_ACTIONS, 'SCHEDULE_CORPORATE_ACTIONS'), run: (signal) => corporateActionsRun(c, kafka, now(), signal) });
  }
  if (c.SCHEDULE_OPTIONS_CHAIN) {
    jobs.push({ name: JOB_NAMES.optionsChain, schedule: parseSchedule(c.SCHEDULE_OPTIONS_CHAIN, 'SCHEDULE_OPTIONS_CHAIN'), run: (signal) => optionsChainRun(c, kafka, signal) });
  }
  return jobs;
}

/** The jobs' own request budget: the stream's gap backfill has ALPACA_REQUESTS_PER_MINUTE, and both share the plan's limit. */
function connection(c: GatewayConfig): AlpacaConnection {
  return { baseUrl: c.ALPACA_DATA_URL, ...alpacaKeys(c), budget: budgetFor(c.JOBS_REQUESTS_PER_MINUTE) };
}

/** Ex-dates [today - lookback, today + lookahead] in New York: an action announced late or early is still caught within a day. */
export function corporateActionsWindow(nowMs: number, lookbackDays: number, lookaheadDays: number): { fromDate: string; toDate: string } {
  const today = DateTime.fromMillis(nowMs, { zone: EXCHANGE_ZONE }).startOf('day');
  return { fromDate: today.minus({ days: lookbackDays }).toISODate()!, toDate: today.plus({ days: lookaheadDays + 1 }).toISODate()! };
}

async function corporateActionsRun(c: GatewayConfig, kafka: IngestProducer, nowMs: number, signal: AbortSignal): Promise<{ records: number }> {
  const symbols = [...c.CORPORATE_ACTIONS_SYMBOLS].sort();
  const window = corporateActionsWindow(nowMs, c.CORPORATE_ACTIONS_LOOKBACK_DAYS, c.CORPORATE_ACTIONS_LOOKAHEAD_DAYS);
  // One checkpoint per symbol set: a changed list starts a new set of seen actions.
  const key = `scheduled-corporate-actions|alpaca|${createHash('sha256').update(symbols.join(',')).digest('hex').slice(0, 16)}`;
  const job = await kafka.openJob<SeenActions>({ key, params: { symbols }, source: 'scheduled corporate-actions', rerun: 'never' });
  try {
    const sink = new SeenActionsSink(job, window.fromDate);
    const client = new AlpacaCorporateActionsClient(connection(c));
    const result = await runCorporateActionsBackfill({ symbols, types: ALPACA_ACTION_TYPES, ...window }, client, sink, { signal });
    await sink.flush();
    if (result.aborted) throw new Error('stopped by shutdown');
    return { records: sink.published };
  } finally {
    await job.disconnect();
  }
}

async function optionsChainRun(c: GatewayConfig, kafka: IngestProducer, signal: AbortSignal): Promise<{ records: number }> {
  const underlyings = await readUniverse(c.OPTIONS_UNIVERSE_PATH!);
  const client = new AlpacaOptionsClient({ ...connection(c), feed: c.OPTIONS_FEED as AlpacaOptionFeed, riskFreeRate: c.OPTIONS_RISK_FREE_RATE! });
  return snapshotChains(underlyings, client, kafka.recordSink('scheduled options-chain'), c.OPTIONS_CHAIN_CONCURRENCY, signal);
}

/** Errors named in a failed run's message; the rest are counted. */
const MAX_NAMED_FAILURES = 5;

/**
 * Each underlying's chain through runOptionsChainBackfill, `concurrency` at a time. The workers
 * share one client and so one token bucket: together they stay within the plan's requests per
 * minute (Alpaca market data: 200/min on the basic plan). A chain that fails does not stop the
 * others; the run fails afterwards naming them, and its retry takes fresh snapshots of all (a
 * snapshot is a point in time: options-chain.job.ts).
 */
export async function snapshotChains(
  underlyings: readonly string[], source: OptionChainSource, sink: Parameters<typeof runOptionsChainBackfill>[2], concurrency: number, signal: AbortSignal,
): Promise<{ records: number }> {
  let next = 0;
  let records = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < underlyings.length && !signal.aborted) {
      const underlying = underlyings[next++];
      try {
        const result = await runOptionsChainBackfill({ underlyings: [underlying] }, source, sink, { signal });
        records += result.quotes;
      } catch (err) {
        failures.push(`${underlying}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, underlyings.length)) }, worker));
  if (signal.aborted) throw new Error('stopped by shutdown');
  if (failures.length) throw new Error(`${failures.length} of ${underlyings.length} chains failed: ${failures.slice(0, MAX_NAMED_FAILURES).join('; ')}`);
  return { records };
}
