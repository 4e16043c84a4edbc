import { Injectable } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { TOPIC_TABLE, topicSpec, type TopicName } from '@md/contracts';
import { DEFAULT_OUTAGE_BUDGET_SECONDS, SchemaCodec, createIdempotentProducer, ensureTopics, retryUntil, trackProducer } from '@md/kafka';
import { Readiness, StageMetrics } from '@md/observability';
import { KafkaJobSink, type JobIdentity } from './kafka-job-sink';
import { KafkaRecordSink } from './kafka-record-sink';

/**
 * The one idempotent producer of an ingest service (feed-gateway, alt-data-aggregator): it creates
 * the topics the service writes and registers their schemas before connecting, /ready follows its
 * connection, and it hands out the sinks connectors publish through. Provided by the service's
 * root module beside the broker client and the codec.
 */
@Injectable()
export class IngestProducer {
  readonly producer: Producer;

  constructor(
    private readonly kafka: Kafka,
    readonly codec: SchemaCodec,
    readonly metrics: StageMetrics,
    private readonly readiness: Readiness,
  ) {
    this.producer = createIdempotentProducer(kafka);
  }

  /**
   * Creates `topics` (default: every topic of the platform), registers their schemas, then
   * connects; a broker that is not there yet, or still electing the new topics' leaders, is
   * retried for up to the outage budget (KAFKA_OUTAGE_BUDGET_SECONDS), /ready 503 meanwhile.
   */
  async connect(topics: readonly TopicName[] = TOPIC_TABLE.map((t) => t.name), outageBudgetSeconds = DEFAULT_OUTAGE_BUDGET_SECONDS): Promise<void> {
    this.readiness.register('kafka', trackProducer(this.producer));
    await retryUntil('connecting the ingest producer', async () => {
      await ensureTopics(this.kafka, topics.map(topicSpec));
      await this.codec.registerAll(topics);
      await this.producer.connect();
    }, outageBudgetSeconds * 1000);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Canonical records straight to their topics, dead letters under the service's stage; `source` names the connector or job. */
  recordSink(source: string): KafkaRecordSink {
    return new KafkaRecordSink(this.producer, this.codec, this.metrics, source, this.metrics.stage);
  }

  /**
   * A resumable job's sink (a file replay): its own transactional producer, fenced and positioned
   * at the job's checkpoint. The caller disconnects it when the job is over.
   */
  openJob<P>(job: JobIdentity): Promise<KafkaJobSink<P>> {
    return KafkaJobSink.open<P>({ kafka: this.kafka, codec: this.codec, metrics: this.metrics, stage: this.metrics.stage }, job);
  }
}
