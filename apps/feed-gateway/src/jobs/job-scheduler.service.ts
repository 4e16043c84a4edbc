import { CONFIG } from '@md/config';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IngestProducer } from '@md/ingest';
import type { GatewayConfig } from '../config';
import { GatewayService } from '../gateway.service';
import { JobMetrics } from './job.metrics';
import { JobScheduler, type JobStatus } from './job-scheduler';
import { scheduledJobs } from './scheduled-jobs';

/** First retry of a failed run; doubling to JOB_RETRY_MAX_MS. */
const RETRY_INITIAL_MS = 60_000;

/**
 * The gateway's scheduled jobs (SCHEDULE_* config): started after the gateway's producer
 * connects, closed on shutdown after a run in progress stops between requests. None configured:
 * nothing runs and /v1/jobs lists none.
 */
@Injectable()
export class JobSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobSchedulerService.name);
  readonly scheduler: JobScheduler;

  constructor(@Inject(CONFIG) config: GatewayConfig, kafka: IngestProducer, private readonly gateway: GatewayService) {
    const jobs = scheduledJobs(config, kafka);
    const retry = { maxRetries: config.JOB_RETRY_LIMIT, initialMs: Math.min(RETRY_INITIAL_MS, config.JOB_RETRY_MAX_MS), maxMs: config.JOB_RETRY_MAX_MS };
    this.scheduler = new JobScheduler(jobs, new JobMetrics(kafka.metrics.registry, jobs.map((j) => j.name)), retry);
  }

  /** Nest runs bootstrap hooks side by side: the schedule starts once the gateway's producer is connected, without holding up the others. */
  onApplicationBootstrap(): void {
    void this.gateway.connected.then(() => this.begin());
  }

  private begin(): void {
    this.scheduler.start();
    for (const job of this.scheduler.status()) this.logger.log(`${job.name}: scheduled ${job.schedule}, next run ${job.nextRunAt}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler.close();
  }

  status(): JobStatus[] {
    return this.scheduler.status();
  }
}
