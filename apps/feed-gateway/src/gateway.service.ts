import { CONFIG } from '@md/config';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Readiness, requestShutdown } from '@md/observability';
import { CoalescingSink, IngestProducer, type KafkaJobSink, type StreamingConnector } from '@md/ingest';
import { OutageBudget, backoffDelay, isRetriableError, sleep } from '@md/kafka';
import type { GatewayConfig } from './config';
import { csvReplay, fileJobs, type FileJob } from './file-jobs';
import { idleReplayStatus, type CsvBarReplayConnector, type ReplayStatus } from './providers/files/csv-bar-replay.connector';
import { streamingConnectors } from './streams';

/**
 * Entry point of data: runs the configured streaming connectors on the service's idempotent
 * producer, and the file jobs one after the other, each on a transactional producer of its own
 * that commits its batches with its position (resumed after a crash, never repeated).
 */
@Injectable()
export class GatewayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GatewayService.name);
  private readonly replay?: CsvBarReplayConnector;
  private streams: StreamingConnector[] = [];
  /** The file job running now, and the sinks of the jobs run so far (open until shutdown). */
  private currentJob?: FileJob;
  private readonly jobSinks: Array<KafkaJobSink<unknown>> = [];
  private files: Promise<void> = Promise.resolve();
  private stopping = false;
  /** Resolves once the producer is connected and the schemas registered: scheduled jobs wait for it. */
  readonly connected: Promise<void>;
  private markConnected!: () => void;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly kafka: IngestProducer,
    private readonly readiness: Readiness,
  ) {
    this.replay = csvReplay(config, kafka.metrics);
    this.connected = new Promise((resolve) => (this.markConnected = resolve));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.connect(undefined, this.config.KAFKA_OUTAGE_BUDGET_SECONDS);
    this.markConnected();
    this.streams = streamingConnectors(this.config, this.kafka.metrics);
    for (const stream of this.streams) void this.runStream(stream);
    this.files = this.runFiles();
  }

  /**
   * The file job in hand stops after its batch commits; jobs that ran to their end close their
   * run (a clean stop: the next start replays the file again, see libs/ingest job-checkpoint.ts).
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.currentJob?.stop();
    await Promise.allSettled([this.files, ...this.streams.map((s) => s.stop())]);
    for (const sink of this.jobSinks) {
      await sink.endRun().catch((err: Error) => this.logger.warn(`could not end the run of a file job (its next start publishes nothing until a clean stop): ${err.message}`));
      await sink.disconnect().catch(() => undefined);
    }
    await this.kafka.disconnect();
  }

  streamStatus(): Array<{ provider: string } & Record<string, unknown>> {
    return this.streams.map((s) => ({ provider: s.provider, ...(s.status?.() ?? { state: 'unknown' }) }));
  }

  replayStatus(): ReplayStatus {
    return this.replay?.status() ?? idleReplayStatus();
  }

  /**
   * A streaming connector runs until shutdown, reconnecting by itself. One that fails for good
   * (402 auth failed, 409 insufficient subscription) makes /ready 503 and ends the process with
   * its reason: a gateway that silently stopped ingesting is worse than one that is down.
   */
  private async runStream(stream: StreamingConnector): Promise<void> {
    this.readiness.register(`stream:${stream.provider}`, () => stream.status?.().state !== 'failed');
    try {
      await stream.start(new CoalescingSink(this.kafka.recordSink(`${stream.provider} stream`)));
      this.logger.log(`${stream.provider} stream: streaming`);
    } catch (err) {
      this.logger.error(`${stream.provider} stream failed: ${(err as Error).message}`);
      await Promise.allSettled([...this.streams.map((s) => s.stop()), this.kafka.disconnect()]);
      process.exit(1);
    }
  }

  /** The file jobs one after the other (CSV replay first), each resumed from its checkpoint; exit when asked to. */
  private async runFiles(): Promise<void> {
    const jobs = fileJobs(this.config, this.replay);
    try {
      for (const job of jobs) {
        if (this.stopping) return;
        await this.runJob(job);
      }
    } catch (err) {
      this.logger.error(`file job failed: ${(err as Error).message}`);
      if (this.config.REPLAY_EXIT_WHEN_DONE) process.exit(1);
      return;
    }
    if (this.config.REPLAY_EXIT_WHEN_DONE && jobs.length) requestShutdown('file jobs done');
  }

  /**
   * A job that fails because the broker went away (a restart, a coordinator move) is reopened from
   * its committed checkpoint, which fences the failed attempt's transaction: nothing is published
   * twice, nothing skipped. It waits with capped backoff and gives up, failing the job, once the
   * broker has been unreachable for KAFKA_OUTAGE_BUDGET_SECONDS.
   */
  private async runJob(job: FileJob): Promise<void> {
    const budget = new OutageBudget(this.config.KAFKA_OUTAGE_BUDGET_SECONDS * 1000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runJobOnce(job, () => budget.observe(true));
      } catch (err) {
        budget.observe(false);
        if (this.stopping || !isRetriableError(err) || budget.exhausted()) throw err;
        const delay = backoffDelay(attempt, { initialMs: 500, maxMs: 5_000 });
        this.logger.warn(`${job.name}: ${(err as Error).message}; reopening the job from its checkpoint in ${delay} ms (broker unavailable for ${Math.round(budget.downForMs() / 1000)} s)`);
        await sleep(delay);
      }
    }
  }

  private async runJobOnce(job: FileJob, opened: () => void): Promise<void> {
    const sink = await this.kafka.openJob<unknown>({ ...job.identity, source: job.name, rerun: 'after-clean-stop' });
    opened();
    this.jobSinks.push(sink);
    this.logger.log(`${job.name}: ${sink.start.note}`);
    if (sink.start.done || this.stopping) return;
    this.currentJob = job;
    try {
      const summary = await job.run(sink);
      this.currentJob = undefined;
      if (job.finished()) await sink.finish();
      this.logger.log(`${job.name}: ${summary}${job.finished() ? '' : ' (stopped; the next start resumes)'}`);
    } catch (err) {
      // The failed attempt's producer is done with; the next attempt opens its own.
      this.jobSinks.splice(this.jobSinks.indexOf(sink), 1);
      await sink.disconnect().catch(() => undefined);
      throw err;
    }
  }
}
