import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { TOPICS, TransientError, type FeatureVectorRecord } from '@md/contracts';
import { FeatureStoreMetrics, RedisConnection, writeFeatures } from '@md/feature-store';
import { StageKit, TopicSink, type TopicEvent } from '@md/kafka';
import { storeOptions, type FeatureEngineConfig } from './config';

/**
 * md.features.v1 -> Redis, as a sink of its own (consumer group REDIS_GROUP_ID) rather than a
 * side effect of the compute transaction: Redis is not part of a Kafka transaction, so writing
 * it from the stage would either lose or repeat writes on a crash. As a sink it commits offsets
 * only after Redis took the batch, and the forward-only write makes the repeats harmless. While
 * Redis is down the compute stage keeps publishing and this group's lag grows; when Redis
 * returns the sink works the lag off (the store catches up).
 */
@Injectable()
export class RedisSinkService extends TopicSink {
  readonly featureStoreMetrics: FeatureStoreMetrics;

  constructor(
    @Inject(CONFIG) private readonly config: FeatureEngineConfig,
    kit: StageKit,
    private readonly redis: RedisConnection,
  ) {
    super(kit, {
      stage: 'feature-store', groupId: config.REDIS_GROUP_ID, topics: [TOPICS.features], readiness: 'kafka-feature-store', into: 'Redis',
      // A chunk is what a crash repeats; a replay's long runs of one key are cut to the history
      // length before Redis (writeFeatures), so a bigger chunk sends fewer calls, not more.
      settings: { ...config, MAX_BATCH_RECORDS: 5000 },
    });
    this.featureStoreMetrics = new FeatureStoreMetrics(kit.metrics.registry);
  }

  protected async write(events: TopicEvent[]): Promise<void> {
    const vectors = events.map((e) => e.value as FeatureVectorRecord);
    try {
      this.featureStoreMetrics.countWrites(await writeFeatures(this.redis.client, storeOptions(this.config), vectors));
    } catch (err) {
      // Any Redis failure here is Redis being unavailable (the script cannot reject a vector):
      // retry with backoff, partition paused, never dead-letter features for it.
      throw new TransientError(`redis: feature store write failed (${(err as Error).message}); retrying`, err);
    }
  }
}
