import { CONFIG } from '@md/config';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Readiness, requestShutdown } from '@md/observability';
import { CoalescingSink, IngestProducer, type StreamingConnector } from '@md/ingest';
import type { GatewayConfig } from './config';
import { csvReplay, fileJobs } from './file-jobs';
import { idleReplayStatus, type CsvBarReplayConnector, type ReplayStatus } from './providers/files/csv-bar-replay.connector';
import { streamingConnectors } from './streams';

/** Entry point of data: runs the configured connectors and file jobs on the service's idempotent producer. */
@Injectable()
export class GatewayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GatewayService.name);
  private readonly replay?: CsvBarReplayConnector;
  private streams: StreamingConnector[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly kafka: IngestProducer,
    private readonly readiness: Readiness,
  ) {
    this.replay = csvReplay(config, kafka.metrics);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.connect();
    this.streams = streamingConnectors(this.config, this.kafka.metrics);
    for (const stream of this.streams) void this.runStream(stream);
    void this.runFiles();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.streams.map((s) => s.stop()));
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

  /** The file jobs one after the other (CSV replay first); exit when asked to. */
  private async runFiles(): Promise<void> {
    const jobs = fileJobs(this.config, this.replay);
    try {
      for (const job of jobs) {
        this.logger.log(`${job.name}: starting`);
        this.logger.log(`${job.name}: ${await job.run(this.kafka.recordSink(job.name))}`);
      }
    } catch (err) {
      this.logger.error(`file job failed: ${(err as Error).message}`);
      if (this.config.REPLAY_EXIT_WHEN_DONE) process.exit(1);
      return;
    }
    if (this.config.REPLAY_EXIT_WHEN_DONE && jobs.length) requestShutdown('file jobs done');
  }
}
