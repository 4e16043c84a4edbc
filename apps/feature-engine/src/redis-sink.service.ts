import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { type FeatureVectorRecord, TOPICS, TransientError, topicSpec } from '@md/contracts';
import { FeatureStoreMetrics, RedisConnection, writeFeatures } from '@md/feature-store';
import { SchemaCodec, SinkRunner, createIdempotentProducer, ensureTopics, trackConsumer } from '@md/kafka';
import { Readiness, StageMetrics } from '@md/observability';
import type { FeatureEngineConfig } from './config';
import { CONFIG } from '@md/config';
import { storeOptions } from './feature-engine.tokens';

/**
 * md.features.v1 -> Redis, as a sink of its own (consumer group REDIS_GROUP_ID) rather than a
 * side effect of the compute transaction: Redis is not part of a Kafka transaction, so writing
 * it from the stage would either lose or repeat writes on a crash. As a sink it commits offsets
 * only after Redis took the batch, and the forward-only write makes the repeats harmless. While
 * Redis is down the compute stage keeps publishing and this group's lag grows; when Redis
 * returns the sink works the lag off (the store catches up).
 */
@Injectable()
export class RedisSinkService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RedisSinkService.name);
  private readonly dlq: Producer;
  private readonly storeMetrics: FeatureStoreMetrics;
  private runner?: SinkRunner<FeatureVectorRecord>;

  constructor(
    @Inject(CONFIG) private readonly config: FeatureEngineConfig,
    private readonly kafka: Kafka,
    private readonly codec: SchemaCodec,
    private readonly metrics: StageMetrics,
    private readonly readiness: Readiness,
    private readonly redis: RedisConnection,
  ) {
    this.dlq = createIdempotentProducer(kafka);
    this.storeMetrics = new FeatureStoreMetrics(metrics.registry);
  }

  get featureStoreMetrics(): FeatureStoreMetrics {
    return this.storeMetrics;
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, [topicSpec(TOPICS.features)]);
    await this.dlq.connect();
    const c = this.config;
    const ctx = {
      stage: 'feature-store', kafka: this.kafka, codec: this.codec, metrics: this.metrics,
      groupId: c.REDIS_GROUP_ID, topics: [TOPICS.features], maxBatchRecords: 500, sessionTimeoutMs: c.SESSION_TIMEOUT_MS,
      backoff: { initialMs: 200, maxMs: c.RETRY_MAX_MS }, fromBeginning: true,
    };
    this.runner = new SinkRunner<FeatureVectorRecord>(ctx, {
      decode: (m) => this.codec.decode<FeatureVectorRecord>(m.value),
      write: (vectors) => this.write(vectors),
    }, this.dlq);
    this.readiness.register('kafka-feature-store', trackConsumer(this.runner.kafkaConsumer));
    await this.runner.start();
    this.logger.log(`copying ${TOPICS.features} into Redis as ${c.REDIS_GROUP_ID}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
    await this.dlq.disconnect();
  }

  private async write(vectors: FeatureVectorRecord[]): Promise<void> {
    try {
      this.storeMetrics.countWrites(await writeFeatures(this.redis.client, storeOptions(this.config), vectors));
    } catch (err) {
      // Any Redis failure here is Redis being unavailable (the script cannot reject a vector):
      // retry with backoff, partition paused, never dead-letter features for it.
      throw new TransientError(`redis: feature store write failed (${(err as Error).message}); retrying`, err);
    }
  }
}
