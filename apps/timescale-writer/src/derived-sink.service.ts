import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { TOPICS, type AltSignalRecord, type FeatureVectorRecord, type IntrinsicBarRecord, type VixRegimeRecord } from '@md/contracts';
import { StageKit, TopicSink, valuesOf, type TopicEvent } from '@md/kafka';
import { sinkTransaction, upsertAltSignals, upsertFeatureVectors, upsertIntrinsicBars, upsertVixRegimes } from '@md/storage';
import type { WriterConfig } from './config';
import { StorageService } from './storage.service';

/**
 * Features, intrinsic bars, alt-data signals and VIX regimes (the derived topics of the
 * feature-engine and the alt-data-aggregator) into their tables, in a consumer group of its own:
 * features arrive at the bar rate, and a backlog of them must not hold up bars or events.
 */
@Injectable()
export class DerivedSinkService extends TopicSink {
  constructor(@Inject(CONFIG) config: WriterConfig, kit: StageKit, private readonly storage: StorageService) {
    super(kit, {
      stage: 'timescale-writer-derived', groupId: config.DERIVED_GROUP_ID, settings: config, readiness: 'kafka-timescale-writer-derived', into: config.DB_SCHEMA,
      topics: [TOPICS.features, TOPICS.intrinsicBars, TOPICS.altSignals, TOPICS.vixRegime],
    });
  }

  protected async write(events: TopicEvent[]): Promise<void> {
    const { db, schema, capabilities } = this.storage;
    await sinkTransaction(db, capabilities, async (tx) => {
      await upsertFeatureVectors(tx, valuesOf<FeatureVectorRecord>(events, TOPICS.features), schema);
      await upsertIntrinsicBars(tx, valuesOf<IntrinsicBarRecord>(events, TOPICS.intrinsicBars), schema);
      await upsertAltSignals(tx, valuesOf<AltSignalRecord>(events, TOPICS.altSignals), schema);
      await upsertVixRegimes(tx, valuesOf<VixRegimeRecord>(events, TOPICS.vixRegime), schema);
    });
  }
}
