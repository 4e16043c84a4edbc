import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { TOPIC_TABLE } from '@md/contracts';
import type { Timeframe } from '@md/domain';
import { SchemaCodec, createIdempotentProducer, ensureTopics, trackProducer } from '@md/kafka';
import { Readiness, StageMetrics, requestShutdown } from '@md/observability';
import { BarFileReplay, type ReplayStatus } from './files/bar-file-replay';
import type { GatewayConfig } from './config';

export const CONFIG = 'CONFIG';

/** Entry point of data: owns the idempotent producer and the connectors (file replay so far). */
@Injectable()
export class GatewayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GatewayService.name);
  private readonly producer: Producer;
  private readonly replay: BarFileReplay;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly kafka: Kafka,
    private readonly codec: SchemaCodec,
    metrics: StageMetrics,
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
    if (this.config.REPLAY_FILE) void this.runReplay(this.config.REPLAY_FILE);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  replayStatus(): ReplayStatus {
    return this.replay.status;
  }

  private async runReplay(file: string): Promise<void> {
    const c = this.config;
    try {
      await this.replay.run(file, {
        zone: c.REPLAY_ZONE,
        symbol: c.REPLAY_SYMBOL?.toUpperCase(),
        timeframe: c.REPLAY_TIMEFRAME as Timeframe,
        provider: c.REPLAY_PROVIDER,
        columns: c.REPLAY_COLUMNS,
      });
    } catch (err) {
      this.logger.error(`replay of ${file} failed: ${(err as Error).message}`);
      if (c.REPLAY_EXIT_WHEN_DONE) process.exit(1);
      return;
    }
    if (c.REPLAY_EXIT_WHEN_DONE) requestShutdown('replay done');
  }
}
