import type { Message, Producer, TopicMessages } from 'kafkajs';
import { InvalidRecordError, TOPICS, type TopicName } from '@md/contracts';
import { deadLetterFor, encodeDeadLetter, type SchemaCodec } from '@md/kafka';
import type { StageMetrics } from '@md/observability';
import type { CanonicalRecord, RecordSink, Rejected } from './record-sink';

const TOPIC_OF: Record<CanonicalRecord['kind'], TopicName> = {
  bar: TOPICS.rawBars,
  trade: TOPICS.rawTrades,
  quote: TOPICS.rawQuotes,
  corporate_action: TOPICS.corporateActions,
  option_quote: TOPICS.optionsChain,
  order: TOPICS.orders,
  execution: TOPICS.executions,
  position: TOPICS.positions,
  risk_event: TOPICS.riskEvents,
};

/**
 * The record key: the symbol, an option's OCC symbol (one instrument stays in one partition), an
 * order's or execution's id, a position's account and symbol (the compaction key).
 */
export function keyOf(record: CanonicalRecord): string {
  switch (record.kind) {
    case 'option_quote': return record.value.occSymbol;
    case 'order': return record.value.orderId;
    case 'execution': return record.value.executionId;
    case 'position': return `${record.value.accountAlias}|${record.value.symbol}`;
    case 'risk_event': return record.value.symbol ?? record.value.accountAlias ?? record.value.type;
    default: return record.value.symbol;
  }
}

/** Where a service's dead letters come from: its stage name (the letters' `stage`), codec and metrics. */
export interface DeadLetterContext {
  stage: string;
  codec: SchemaCodec;
  metrics: StageMetrics;
}

/** The md.dlq.v1 message of an input a connector rejected: its reason, where it came from, its bytes as received. */
export function rejectedMessage(ctx: DeadLetterContext, rejected: Rejected): Promise<Message> {
  const payload = typeof rejected.payload === 'string' ? Buffer.from(rejected.payload, 'utf8') : rejected.payload;
  return deadLetterMessage(ctx, new InvalidRecordError(rejected.reason), rejected.source, payload);
}

/** The md.dlq.v1 message of an input that failed with `err`. */
export function deadLetterMessage(ctx: DeadLetterContext, err: unknown, location: string, payload: Buffer): Promise<Message> {
  return encodeDeadLetter(ctx.codec, ctx.metrics, deadLetterFor(ctx.stage, err, { location, payload }));
}

/** Records as messages by topic (Avro, keyed by symbol); one that cannot be encoded becomes a dead letter instead. */
export async function recordMessages(dlq: DeadLetterContext, source: string, records: readonly CanonicalRecord[]): Promise<Map<string, Message[]>> {
  const byTopic = new Map<string, Message[]>();
  const add = (topic: string, m: Message) => (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(m);
  for (const record of records) {
    const topic = TOPIC_OF[record.kind];
    try {
      add(topic, { key: keyOf(record), value: await dlq.codec.encode(topic, record.value) });
    } catch (err) {
      add(TOPICS.deadLetter, await deadLetterMessage(dlq, err, source, Buffer.from(JSON.stringify(record.value))));
    }
  }
  return byTopic;
}

/** md_records_out_total for what was sent, by topic; dead letters and `except` (a checkpoint topic) are not records out. */
export function countRecordsOut(metrics: StageMetrics, stage: string, byTopic: ReadonlyMap<string, Message[]>, except?: string): void {
  for (const [topic, messages] of byTopic) {
    if (topic !== TOPICS.deadLetter && topic !== except) metrics.recordsOut.inc({ stage, topic }, messages.length);
  }
}

/**
 * A RecordSink on Kafka: canonical records to their topics (Avro, keyed by symbol) with the
 * idempotent producer. `publish` resolves when Kafka acknowledged the whole batch, so a
 * connector that awaits it never holds more than one batch: back-pressure, not a growing buffer.
 * A record that cannot be encoded is dead-lettered, never dropped.
 */
export class KafkaRecordSink implements RecordSink {
  private readonly dlq: DeadLetterContext;

  /** `stage` labels the metrics and the dead letters (feed-gateway); `source` is where unencodable records are said to come from. */
  constructor(
    private readonly producer: Producer,
    codec: SchemaCodec,
    private readonly metrics: StageMetrics,
    private readonly source: string,
    private readonly stage = 'feed-gateway',
  ) {
    this.dlq = { stage, codec, metrics };
  }

  async publish(records: readonly CanonicalRecord[]): Promise<void> {
    const byTopic = await recordMessages(this.dlq, this.source, records);
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    if (topicMessages.length) await this.producer.sendBatch({ topicMessages });
    countRecordsOut(this.metrics, this.stage, byTopic);
  }

  async reject(rejected: Rejected): Promise<void> {
    await this.producer.send({ topic: TOPICS.deadLetter, messages: [await rejectedMessage(this.dlq, rejected)] });
  }
}
