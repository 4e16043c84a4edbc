import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { TOPICS, type CorporateActionRecord, type OptionQuoteRecord, type QualityIssueRecord, type RestatementRecord } from '@md/contracts';
import { SchemaCodec } from '@md/kafka';
import { Readiness, StageMetrics } from '@md/observability';
import { replaceAdjustmentSchedule, upsertCorporateActions, upsertOptionQuotes, upsertQualityIssues } from '@md/storage';
import type { WriterConfig } from './config';
import { CONFIG } from '@md/config';
import { StorageService } from './storage.service';
import { TopicSink, type TopicEvent } from './topic-sink';

/**
 * Corporate actions, restatements (adjustment schedules), quality issues and option-chain
 * snapshots into their tables, in a consumer group of its own so a burst of bars never delays
 * an adjustment, and the reverse. Every write is idempotent (upsert on identity, schedule
 * replaced whole).
 */
@Injectable()
export class EventsSinkService extends TopicSink implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(CONFIG) config: WriterConfig, kafka: Kafka, codec: SchemaCodec, metrics: StageMetrics, readiness: Readiness,
    private readonly storage: StorageService,
  ) {
    super(new Logger(EventsSinkService.name), 'timescale-writer-events',
      [TOPICS.corporateActions, TOPICS.restatements, TOPICS.qualityIssues, TOPICS.optionsChain], config, kafka, codec, metrics, readiness);
  }

  protected groupId(): string {
    return this.config.EVENTS_GROUP_ID;
  }

  protected async write(events: TopicEvent[]): Promise<void> {
    const { db, schema } = this.storage;
    await db.transaction(async (tx) => {
      const of = <T>(topic: string) => events.filter((e) => e.topic === topic).map((e) => e.value as T);
      // In topic order: a symbol's last restatement is its current schedule.
      for (const r of of<RestatementRecord>(TOPICS.restatements)) await replaceAdjustmentSchedule(tx, r, schema);
      await upsertCorporateActions(tx, of<CorporateActionRecord>(TOPICS.corporateActions), schema);
      await upsertQualityIssues(tx, of<QualityIssueRecord>(TOPICS.qualityIssues), schema);
      await upsertOptionQuotes(tx, of<OptionQuoteRecord>(TOPICS.optionsChain), schema);
    });
  }
}
