import type { Consumer, Kafka, KafkaMessage, Message } from 'kafkajs';
import { TOPICS, type DeadLetterRecord, type TopicName } from '@md/contracts';
import type { StageMetrics } from '@md/observability';
import type { BackoffPolicy } from './backoff';
import { deadLetterFor, deadLetterKey } from './dead-letter';
import { DEFAULT_OUTAGE_BUDGET_SECONDS } from './outage-budget';
import type { SchemaCodec } from './schema-codec';

/** What every consuming stage is built from; one object so the runners stay short. */
export interface StageContext {
  stage: string;
  kafka: Kafka;
  codec: SchemaCodec;
  metrics: StageMetrics;
  groupId: string;
  topics: TopicName[];
  /** Upper bound on records handled per step (transaction or database write). */
  maxBatchRecords: number;
  backoff: BackoffPolicy;
  /** Start from the earliest offset when the group has none (replayable by default). */
  fromBeginning: boolean;
  /** Group session timeout: how long a dead member holds its partitions before a rebalance. */
  sessionTimeoutMs?: number;
  /** Broker-side batching: a fetch returns at minBytes or after maxWaitTimeInMs, whichever first. */
  fetch?: { minBytes: number; maxWaitTimeInMs: number };
  /** KAFKA_OUTAGE_BUDGET_SECONDS: how long the stage rides out a broker it cannot reach before it exits 1. */
  outageBudgetSeconds?: number;
}

export const outageBudgetMs = (ctx: StageContext) => (ctx.outageBudgetSeconds ?? DEFAULT_OUTAGE_BUDGET_SECONDS) * 1000;

/** Consumer settings shared by the runners, from the stage context. */
export function consumerConfig(ctx: StageContext) {
  return {
    groupId: ctx.groupId,
    sessionTimeout: ctx.sessionTimeoutMs ?? 30_000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    minBytes: ctx.fetch?.minBytes ?? 1,
    maxWaitTimeInMs: ctx.fetch?.maxWaitTimeInMs ?? 5000,
  };
}

export async function deadLetterMessage(ctx: StageContext, error: unknown, topic: string, partition: number, message: KafkaMessage): Promise<Message> {
  const record = deadLetterFor(ctx.stage, error, {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    payload: message.value ?? Buffer.alloc(0),
  });
  return encodeDeadLetter(ctx.codec, ctx.metrics, record);
}

/** The dead-letter message for a record, counted in md_records_rejected_total by error type. */
export async function encodeDeadLetter(codec: SchemaCodec, metrics: StageMetrics, record: DeadLetterRecord): Promise<Message> {
  metrics.recordsRejected.inc({ stage: record.stage, reason: record.errorType });
  return { key: deadLetterKey(record), value: await codec.encode(TOPICS.deadLetter, record) };
}

export async function subscribe(ctx: StageContext, consumer: Consumer): Promise<void> {
  await consumer.connect();
  for (const topic of ctx.topics) await consumer.subscribe({ topic, fromBeginning: ctx.fromBeginning });
}
