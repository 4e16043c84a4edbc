import { CONFIG } from '@md/config';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { TOPIC_TABLE, type Timeframe } from '@md/contracts';
import { SchemaCodec, createIdempotentProducer, ensureTopics, trackProducer } from '@md/kafka';
import { Readiness, StageMetrics, requestShutdown } from '@md/observability';
import { BarFileReplay, type ReplayStatus } from './files/bar-file-replay';
import type { GatewayConfig } from './config';
import { fileJobs } from './file-jobs';
import { CoalescingSink } from './coalescing-sink';
import { KafkaRecordSink } from './kafka-record-sink';
import type { StreamingConnector } from './providers/provider';
import { streamingConnectors } from './streams';

/** Entry point of data: owns the idempotent producer and runs the configured connectors. */
@Injectable()
export class GatewayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GatewayService.name);
  private readonly producer: Producer;
  private readonly replay: BarFileReplay;
  private streams: StreamingConnector[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly kafka: Kafka,
    private readonly codec: SchemaCodec,
    private readonly metrics: StageMetrics,
    private readonly readiness: Readiness,
  ) {
    this.producer = createIdempotentProducer(kafka);
    this.replay = new BarFileReplay(this.producer, codec, metrics, config.PUBLISH_BATCH);
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, TOPIC_TABLE);
    await this.codec.registerAll();
    this.readiness.register('kafka', trackProducer(this.producer));
    await this.producer.connect();
    this.streams = streamingConnectors(this.config, this.metrics);
    for (const stream of this.streams) void this.runStream(stream);
    void this.runFiles();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.streams.map((s) => s.stop()));
    await this.producer.disconnect();
  }

  streamStatus(): Array<{ provider: string } & Record<string, unknown>> {
    return this.streams.map((s) => ({ provider: s.provider, ...(s.status?.() ?? { state: 'unknown' }) }));
  }

  /**
   * A streaming connector runs until shutdown, reconnecting by itself. One that fails for good
   * (402 auth failed, 409 insufficient subscription) makes /ready 503 and ends the process with
   * its reason: a gateway that silently stopped ingesting is worse than one that is down.
   */
  private async runStream(stream: StreamingConnector): Promise<void> {
    this.readiness.register(`stream:${stream.provider}`, () => stream.status?.().state !== 'failed');
    try {
      await stream.start(new CoalescingSink(new KafkaRecordSink(this.producer, this.codec, this.metrics, `${stream.provider} stream`)));
      this.logger.log(`${stream.provider} stream: streaming`);
    } catch (err) {
      this.logger.error(`${stream.provider} stream failed: ${(err as Error).message}`);
      await Promise.allSettled([...this.streams.map((s) => s.stop()), this.producer.disconnect()]);
      process.exit(1);
    }
  }

  replayStatus(): ReplayStatus {
    return this.replay.status;
  }

  /** The CSV replay, then the other file jobs, one after the other; exit when asked to. */
  private async runFiles(): Promise<void> {
    const c = this.config;
    try {
      if (c.REPLAY_FILE) await this.runReplay(c.REPLAY_FILE);
      for (const job of fileJobs(c)) {
        this.logger.log(`${job.name}: starting`);
        const sink = new KafkaRecordSink(this.producer, this.codec, this.metrics, job.name);
        this.logger.log(`${job.name}: ${await job.run(sink)}`);
      }
    } catch (err) {
      this.logger.error(`file job failed: ${(err as Error).message}`);
      if (c.REPLAY_EXIT_WHEN_DONE) process.exit(1);
      return;
    }
    if (c.REPLAY_EXIT_WHEN_DONE && (c.REPLAY_FILE || fileJobs(c).length)) requestShutdown('file jobs done');
  }

  private async runReplay(file: string): Promise<void> {
    const c = this.config;
    await this.replay.run(file, {
      zone: c.REPLAY_ZONE,
      symbol: c.REPLAY_SYMBOL?.toUpperCase(),
      timeframe: c.REPLAY_TIMEFRAME as Timeframe,
      provider: c.REPLAY_PROVIDER,
      columns: c.REPLAY_COLUMNS,
    });
  }
}
