import type { Message, Producer, TopicMessages } from 'kafkajs';
import { InvalidRecordError, TOPICS, type TopicName } from '@md/contracts';
import { deadLetterFor, encodeDeadLetter, type SchemaCodec } from '@md/kafka';
import type { StageMetrics } from '@md/observability';
import type { CanonicalRecord, RecordSink, Rejected } from './providers/provider';

const TOPIC_OF: Record<CanonicalRecord['kind'], TopicName> = {
  bar: TOPICS.rawBars,
  trade: TOPICS.rawTrades,
  quote: TOPICS.rawQuotes,
  corporate_action: TOPICS.corporateActions,
  option_quote: TOPICS.optionsChain,
};

/** The record key: the symbol, or an option's OCC symbol (one instrument stays in one partition). */
function keyOf(record: CanonicalRecord): string {
  return record.kind === 'option_quote' ? record.value.occSymbol : record.value.symbol;
}

/**
 * The gateway's RecordSink: canonical records to their topics (Avro, keyed by symbol) with the
 * idempotent producer. `publish` resolves when Kafka acknowledged the whole batch, so a
 * connector that awaits it never holds more than one batch: back-pressure, not a growing buffer.
 * A record that cannot be encoded is dead-lettered, never dropped.
 */
export class KafkaRecordSink implements RecordSink {
  constructor(
    private readonly producer: Producer,
    private readonly codec: SchemaCodec,
    private readonly metrics: StageMetrics,
    private readonly source: string,
  ) {}

  async publish(records: readonly CanonicalRecord[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const add = (topic: string, m: Message) => (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(m);
    for (const record of records) {
      const topic = TOPIC_OF[record.kind];
      try {
        add(topic, { key: keyOf(record), value: await this.codec.encode(topic, record.value) });
      } catch (err) {
        add(TOPICS.deadLetter, await this.deadLetter(err, this.source, Buffer.from(JSON.stringify(record.value))));
      }
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    if (topicMessages.length) await this.producer.sendBatch({ topicMessages });
    for (const [topic, messages] of byTopic) {
      if (topic !== TOPICS.deadLetter) this.metrics.recordsOut.inc({ stage: 'feed-gateway', topic }, messages.length);
    }
  }

  async reject(rejected: Rejected): Promise<void> {
    const payload = typeof rejected.payload === 'string' ? Buffer.from(rejected.payload, 'utf8') : rejected.payload;
    const message = await this.deadLetter(new InvalidRecordError(rejected.reason), rejected.source, payload);
    await this.producer.send({ topic: TOPICS.deadLetter, messages: [message] });
  }

  private deadLetter(err: unknown, location: string, payload: Buffer): Promise<Message> {
    return encodeDeadLetter(this.codec, this.metrics, deadLetterFor('feed-gateway', err, { location, payload }));
  }
}
