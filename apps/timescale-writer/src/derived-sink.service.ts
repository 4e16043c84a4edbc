import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { TOPICS, type AltSignalRecord, type FeatureVectorRecord, type IntrinsicBarRecord, type VixRegimeRecord } from '@md/contracts';
import { SchemaCodec } from '@md/kafka';
import { Readiness, StageMetrics } from '@md/observability';
import { upsertAltSignals, upsertFeatureVectors, upsertIntrinsicBars, upsertVixRegimes } from '@md/storage';
import type { WriterConfig } from './config';
import { CONFIG } from '@md/config';
import { StorageService } from './storage.service';
import { TopicSink, type TopicEvent } from './topic-sink';

/**
 * Features, intrinsic bars, alt-data signals and VIX regimes (the derived topics of the
 * feature-engine and the alt-data-aggregator) into their tables, in a consumer group of its own:
 * features arrive at the bar rate, and a backlog of them must not hold up bars or events.
 */
@Injectable()
export class DerivedSinkService extends TopicSink implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(CONFIG) config: WriterConfig, kafka: Kafka, codec: SchemaCodec, metrics: StageMetrics, readiness: Readiness,
    private readonly storage: StorageService,
  ) {
    super(new Logger(DerivedSinkService.name), 'timescale-writer-derived',
      [TOPICS.features, TOPICS.intrinsicBars, TOPICS.altSignals, TOPICS.vixRegime], config, kafka, codec, metrics, readiness);
  }

  protected groupId(): string {
    return this.config.DERIVED_GROUP_ID;
  }

  protected async write(events: TopicEvent[]): Promise<void> {
    const { db, schema } = this.storage;
    const of = <T>(topic: string) => events.filter((e) => e.topic === topic).map((e) => e.value as T);
    await db.transaction(async (tx) => {
      await upsertFeatureVectors(tx, of<FeatureVectorRecord>(TOPICS.features), schema);
      await upsertIntrinsicBars(tx, of<IntrinsicBarRecord>(TOPICS.intrinsicBars), schema);
      await upsertAltSignals(tx, of<AltSignalRecord>(TOPICS.altSignals), schema);
      await upsertVixRegimes(tx, of<VixRegimeRecord>(TOPICS.vixRegime), schema);
    });
  }
}
