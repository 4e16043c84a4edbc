import { Logger } from '@nestjs/common';
import { nextRun, type JobSchedule } from './job-schedule';

// Runs each scheduled job when due, in process. A run still going when the next is due is
// skipped and counted, never started beside it (the CronJob's concurrencyPolicy: Forbid). A failed
// run is retried with capped exponential backoff, at most `maxRetries` times and only while the
// retry falls before the job's next scheduled run, so a daily job keeps trying within its day and
// the next day starts afresh. Time comes from a Clock, so tests drive it without waiting.

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ScheduledJob {
  name: string;
  schedule: JobSchedule;
  /** One idempotent run; resolves with the records it published. */
  run(signal: AbortSignal): Promise<{ records: number }>;
}

export type RunOutcome = 'success' | 'failure' | 'skipped';

export interface JobRunObserver {
  /** `durationMs` and `records` are 0 for a skipped run. */
  observe(job: string, outcome: RunOutcome, durationMs: number, records: number, endedAtMs: number): void;
}

export interface LastRun {
  startedAt: string;
  endedAt: string | null;
  outcome: 'running' | 'success' | 'failure';
  records: number;
  /** The failure's message, cut to MAX_ERROR_CHARS. */
  error: string | null;
  /** 0 for a scheduled run, n for its n-th retry. */
  attempt: number;
}

export interface JobStatus {
  name: string;
  schedule: string;
  nextRunAt: string | null;
  retryAt: string | null;
  lastRun: LastRun | null;
  lastSuccessAt: string | null;
  runs: Record<RunOutcome, number>;
}

export interface RetryPolicy {
  maxRetries: number;
  initialMs: number;
  maxMs: number;
}

/** Keeps /v1/jobs bounded: a provider's error body can be long. */
export const MAX_ERROR_CHARS = 500;

interface Entry {
  job: ScheduledJob;
  status: JobStatus;
  timer?: unknown;
  retryTimer?: unknown;
  dueAt?: number;
  running?: Promise<void>;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export class JobScheduler {
  private readonly logger = new Logger(JobScheduler.name);
  private readonly entries: Entry[];
  private readonly stop = new AbortController();

  constructor(jobs: readonly ScheduledJob[], private readonly observer: JobRunObserver, private readonly retry: RetryPolicy, private readonly clock: Clock = systemClock) {
    this.entries = jobs.map((job) => ({
      job,
      status: { name: job.name, schedule: job.schedule.text, nextRunAt: null, retryAt: null, lastRun: null, lastSuccessAt: null, runs: { success: 0, failure: 0, skipped: 0 } },
    }));
  }

  start(): void {
    if (this.stop.signal.aborted) return;
    for (const entry of this.entries) this.arm(entry, nextRun(entry.job.schedule, this.clock.now()));
  }

  /** Stops timers and aborts runs in progress (they stop between requests); resolves when they have. */
  async close(): Promise<void> {
    this.stop.abort();
    for (const entry of this.entries) {
      this.clock.clearTimer(entry.timer);
      this.clock.clearTimer(entry.retryTimer);
    }
    await Promise.allSettled(this.entries.map((e) => e.running));
  }

  status(): JobStatus[] {
    return this.entries.map((e) => structuredClone(e.status));
  }

  /** Runs `name` now, as if due (a test hook and an operator's lever); false if it is running. */
  trigger(name: string): boolean {
    const entry = this.entries.find((e) => e.job.name === name);
    if (!entry) throw new Error(`no scheduled job ${name}`);
    if (entry.running) return false;
    this.begin(entry, 0);
    return true;
  }

  /** Resolves when `name` has no run in progress. */
  async idle(name: string): Promise<void> {
    await this.entries.find((e) => e.job.name === name)?.running;
  }

  private arm(entry: Entry, dueAt: number): void {
    this.clock.clearTimer(entry.timer);
    entry.dueAt = dueAt;
    entry.status.nextRunAt = iso(dueAt);
    entry.timer = this.clock.setTimer(() => this.due(entry), Math.max(0, dueAt - this.clock.now()));
  }

  private due(entry: Entry): void {
    if (this.stop.signal.aborted) return;
    this.arm(entry, nextRun(entry.job.schedule, Math.max(this.clock.now(), entry.dueAt ?? 0)));
    if (entry.running) {
      entry.status.runs.skipped++;
      this.observer.observe(entry.job.name, 'skipped', 0, 0, this.clock.now());
      this.logger.warn(`${entry.job.name}: skipped, the run started ${entry.status.lastRun?.startedAt} is still going`);
      return;
    }
    this.begin(entry, 0);
  }

  private begin(entry: Entry, attempt: number): void {
    entry.status.retryAt = null;
    entry.running = this.runOnce(entry, attempt).finally(() => (entry.running = undefined));
  }

  private async runOnce(entry: Entry, attempt: number): Promise<void> {
    const { name } = entry.job;
    const began = this.clock.now();
    const last: LastRun = { startedAt: iso(began)!, endedAt: null, outcome: 'running', records: 0, error: null, attempt };
    entry.status.lastRun = last;
    try {
      const { records } = await entry.job.run(this.stop.signal);
      const ended = this.clock.now();
      Object.assign(last, { endedAt: iso(ended), outcome: 'success', records });
      entry.status.lastSuccessAt = iso(ended);
      entry.status.runs.success++;
      this.observer.observe(name, 'success', ended - began, records, ended);
      this.logger.log(`${name}: done, ${records} records in ${((ended - began) / 1000).toFixed(1)} s`);
    } catch (err) {
      const ended = this.clock.now();
      const message = String((err as Error)?.message ?? err).slice(0, MAX_ERROR_CHARS);
      Object.assign(last, { endedAt: iso(ended), outcome: 'failure', error: message });
      entry.status.runs.failure++;
      this.observer.observe(name, 'failure', ended - began, 0, ended);
      this.scheduleRetry(entry, attempt, message);
    }
  }

  private scheduleRetry(entry: Entry, attempt: number, message: string): void {
    const { name } = entry.job;
    if (this.stop.signal.aborted) return;
    // No jitter: one gateway retries, there is no herd to spread; a fixed sequence is what operators read.
    const retryAt = this.clock.now() + Math.min(this.retry.maxMs, this.retry.initialMs * 2 ** attempt);
    if (attempt >= this.retry.maxRetries || retryAt >= (entry.dueAt ?? Infinity)) {
      this.logger.error(`${name}: failed (attempt ${attempt + 1}), no retry before the next run at ${entry.status.nextRunAt}: ${message}`);
      return;
    }
    this.logger.warn(`${name}: failed (attempt ${attempt + 1}), retrying at ${iso(retryAt)}: ${message}`);
    entry.status.retryAt = iso(retryAt);
    entry.retryTimer = this.clock.setTimer(() => {
      if (!this.stop.signal.aborted && !entry.running && entry.status.retryAt === iso(retryAt)) this.begin(entry, attempt + 1);
    }, retryAt - this.clock.now());
  }
}
