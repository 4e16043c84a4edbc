import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { TOPICS, topicSpec, type CorporateActionRecord, type OptionQuoteRecord, type QualityIssueRecord, type RestatementRecord } from '@md/contracts';
import { SchemaCodec, SinkRunner, createIdempotentProducer, ensureTopics, trackConsumer } from '@md/kafka';
import { Readiness, StageMetrics } from '@md/observability';
import { replaceAdjustmentSchedule, upsertCorporateActions, upsertOptionQuotes, upsertQualityIssues } from '@md/storage';
import type { WriterConfig } from './config';
import { CONFIG, StorageService } from './storage.service';

type MarketEvent =
  | { topic: typeof TOPICS.corporateActions; value: CorporateActionRecord }
  | { topic: typeof TOPICS.restatements; value: RestatementRecord }
  | { topic: typeof TOPICS.qualityIssues; value: QualityIssueRecord }
  | { topic: typeof TOPICS.optionsChain; value: OptionQuoteRecord };

const EVENT_TOPICS = [TOPICS.corporateActions, TOPICS.restatements, TOPICS.qualityIssues, TOPICS.optionsChain];

/**
 * Corporate actions, restatements (adjustment schedules), quality issues and option-chain
 * snapshots into their tables.
 * A consumer group of its own so a burst of bars never delays an adjustment, and the reverse.
 * All three writes are idempotent (upsert on identity, schedule replaced whole).
 */
@Injectable()
export class EventsSinkService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventsSinkService.name);
  private readonly dlq: Producer;
  private runner?: SinkRunner<MarketEvent>;

  constructor(
    @Inject(CONFIG) private readonly config: WriterConfig,
    private readonly kafka: Kafka,
    private readonly codec: SchemaCodec,
    private readonly metrics: StageMetrics,
    private readonly readiness: Readiness,
    private readonly storage: StorageService,
  ) {
    this.dlq = createIdempotentProducer(kafka);
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, EVENT_TOPICS.map(topicSpec));
    await this.dlq.connect();
    const c = this.config;
    const ctx = {
      stage: 'timescale-writer-events', kafka: this.kafka, codec: this.codec, metrics: this.metrics,
      groupId: c.EVENTS_GROUP_ID, topics: EVENT_TOPICS, maxBatchRecords: c.MAX_BATCH_RECORDS, sessionTimeoutMs: c.SESSION_TIMEOUT_MS,
      backoff: { initialMs: 200, maxMs: c.RETRY_MAX_MS }, fromBeginning: true,
    };
    this.runner = new SinkRunner<MarketEvent>(ctx, {
      decode: async (m, topic) => ({ topic, value: await this.codec.decode(m.value) }) as MarketEvent,
      write: (events) => this.write(events),
    }, this.dlq);
    this.readiness.register('kafka-events', trackConsumer(this.runner.kafkaConsumer));
    await this.runner.start();
    this.logger.log(`sinking ${EVENT_TOPICS.join(', ')} as ${c.EVENTS_GROUP_ID}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
    await this.dlq.disconnect();
  }

  private async write(events: MarketEvent[]): Promise<void> {
    const { db, schema } = this.storage;
    await db.transaction(async (tx) => {
      const actions: CorporateActionRecord[] = [];
      const issues: QualityIssueRecord[] = [];
      const options: OptionQuoteRecord[] = [];
      for (const e of events) {
        if (e.topic === TOPICS.corporateActions) actions.push(e.value);
        else if (e.topic === TOPICS.qualityIssues) issues.push(e.value);
        else if (e.topic === TOPICS.optionsChain) options.push(e.value);
        else await replaceAdjustmentSchedule(tx, e.value, schema); // in topic order: the last one wins
      }
      await upsertCorporateActions(tx, actions, schema);
      await upsertQualityIssues(tx, issues, schema);
      await upsertOptionQuotes(tx, options, schema);
    });
  }
}
