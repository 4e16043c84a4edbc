import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { JobRunObserver, RunOutcome } from './job-scheduler';

// Scheduled jobs' outcomes on the gateway's registry. An alert on
// time() - md_scheduled_job_last_success_timestamp_seconds > 26 h catches a daily job that stopped
// succeeding, whether it fails or no longer runs.

export const JOB_METRICS = {
  runs: 'md_scheduled_job_runs_total',
  lastSuccess: 'md_scheduled_job_last_success_timestamp_seconds',
  duration: 'md_scheduled_job_duration_seconds',
  records: 'md_scheduled_job_records_published_total',
} as const;

/** A corporate-actions run takes seconds; a 500-underlying chain run at 200 requests/min, minutes. */
const DURATION_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600];

export class JobMetrics implements JobRunObserver {
  private readonly runs: Counter<'job' | 'outcome'>;
  private readonly lastSuccess: Gauge<'job'>;
  private readonly duration: Histogram<'job'>;
  private readonly records: Counter<'job'>;

  constructor(registry: Registry, jobs: readonly string[]) {
    const registers = [registry];
    this.runs = new Counter({ name: JOB_METRICS.runs, help: 'Scheduled job runs by job and outcome (success, failure, skipped: the previous run was still going).', labelNames: ['job', 'outcome'], registers });
    this.lastSuccess = new Gauge({ name: JOB_METRICS.lastSuccess, help: 'When a scheduled job last succeeded, Unix seconds.', labelNames: ['job'], registers });
    this.duration = new Histogram({ name: JOB_METRICS.duration, help: 'Scheduled job run duration, seconds (runs that ended).', labelNames: ['job'], buckets: DURATION_BUCKETS, registers });
    this.records = new Counter({ name: JOB_METRICS.records, help: 'Records published by scheduled job runs.', labelNames: ['job'], registers });
    // Zero series from the start, so rate() and absent() see each job before its first run.
    for (const job of jobs) for (const outcome of ['success', 'failure', 'skipped'] as const) this.runs.inc({ job, outcome }, 0);
  }

  observe(job: string, outcome: RunOutcome, durationMs: number, records: number, endedAtMs: number): void {
    this.runs.inc({ job, outcome });
    if (outcome === 'skipped') return;
    this.duration.observe({ job }, durationMs / 1000);
    this.records.inc({ job }, records);
    if (outcome === 'success') this.lastSuccess.set({ job }, endedAtMs / 1000);
  }
}
