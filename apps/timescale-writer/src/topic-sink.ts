import { Logger } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { topicSpec, type TopicName } from '@md/contracts';
import { SchemaCodec, SinkRunner, createIdempotentProducer, ensureTopics, trackConsumer } from '@md/kafka';
import { Readiness, StageMetrics } from '@md/observability';
import type { WriterConfig } from './config';

export interface TopicEvent<T = unknown> {
  topic: string;
  value: T;
}

/**
 * A consumer group that decodes Avro records of a few topics and writes each chunk in one
 * database transaction (SinkRunner: offsets only after the commit, bad records dead-lettered).
 * The writer runs one per family of topics, so a burst in one family never delays another.
 */
export abstract class TopicSink {
  private readonly dlq: Producer;
  private runner?: SinkRunner<TopicEvent>;

  protected constructor(
    protected readonly logger: Logger,
    private readonly stage: string,
    private readonly topics: readonly TopicName[],
    protected readonly config: WriterConfig,
    private readonly kafka: Kafka,
    private readonly codec: SchemaCodec,
    private readonly metrics: StageMetrics,
    private readonly readiness: Readiness,
  ) {
    this.dlq = createIdempotentProducer(kafka);
  }

  protected abstract groupId(): string;
  /** Idempotent write of one chunk, in topic order per partition. */
  protected abstract write(events: TopicEvent[]): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, this.topics.map(topicSpec));
    await this.dlq.connect();
    const c = this.config;
    const ctx = {
      stage: this.stage, kafka: this.kafka, codec: this.codec, metrics: this.metrics,
      groupId: this.groupId(), topics: [...this.topics], maxBatchRecords: c.MAX_BATCH_RECORDS, sessionTimeoutMs: c.SESSION_TIMEOUT_MS,
      backoff: { initialMs: 200, maxMs: c.RETRY_MAX_MS }, fromBeginning: true,
    };
    this.runner = new SinkRunner<TopicEvent>(ctx, {
      decode: async (m, topic) => ({ topic, value: await this.codec.decode(m.value) }),
      write: (events) => this.write(events),
    }, this.dlq);
    this.readiness.register(`kafka-${this.stage}`, trackConsumer(this.runner.kafkaConsumer));
    await this.runner.start();
    this.logger.log(`sinking ${this.topics.join(', ')} as ${this.groupId()}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
    await this.dlq.disconnect();
  }
}
