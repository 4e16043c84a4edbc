import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { TOPICS, type CorporateActionRecord, type OptionQuoteRecord, type QualityIssueRecord, type RestatementRecord } from '@md/contracts';
import { StageKit, TopicSink, valuesOf, type TopicEvent } from '@md/kafka';
import { replaceAdjustmentSchedule, sinkTransaction, upsertCorporateActions, upsertOptionQuotes, upsertQualityIssues } from '@md/storage';
import type { WriterConfig } from './config';
import { StorageService } from './storage.service';

/**
 * Corporate actions, restatements (adjustment schedules), quality issues and option-chain
 * snapshots into their tables, in a consumer group of its own so a burst of bars never delays
 * an adjustment, and the reverse. Every write is idempotent (upsert on identity, schedule
 * replaced whole).
 */
@Injectable()
export class EventsSinkService extends TopicSink {
  constructor(@Inject(CONFIG) config: WriterConfig, kit: StageKit, private readonly storage: StorageService) {
    super(kit, {
      stage: 'timescale-writer-events', groupId: config.EVENTS_GROUP_ID, settings: config, readiness: 'kafka-timescale-writer-events', into: config.DB_SCHEMA,
      topics: [TOPICS.corporateActions, TOPICS.restatements, TOPICS.qualityIssues, TOPICS.optionsChain],
    });
  }

  protected async write(events: TopicEvent[]): Promise<void> {
    const { db, schema, capabilities } = this.storage;
    await sinkTransaction(db, capabilities, async (tx) => {
      // In topic order: a symbol's last restatement is its current schedule.
      for (const r of valuesOf<RestatementRecord>(events, TOPICS.restatements)) await replaceAdjustmentSchedule(tx, r, schema);
      await upsertCorporateActions(tx, valuesOf<CorporateActionRecord>(events, TOPICS.corporateActions), schema);
      await upsertQualityIssues(tx, valuesOf<QualityIssueRecord>(events, TOPICS.qualityIssues), schema);
      await upsertOptionQuotes(tx, valuesOf<OptionQuoteRecord>(events, TOPICS.optionsChain), schema);
    });
  }
}
