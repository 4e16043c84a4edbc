import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { TOPICS, topicSpec, type AuditRecord } from '@md/contracts';
import type { AuditSink } from '@md/observability';
import { createIdempotentProducer } from './producer';
import { SchemaCodec } from './schema-codec';
import { ensureTopics } from './topic-admin';

const FLUSH_MS = 200;
const BATCH = 500;
/** Records kept while the broker is away; the JSON-lines audit log has every one regardless. */
const MAX_WAITING = 10_000;
const SHUTDOWN_FLUSH_MS = 3_000;

/**
 * md.audit.v1 for a service's API (issue 18): the guard hands each record over after the answer
 * is sent, and it is produced within FLUSH_MS, batched and keyed by token name. An answer never
 * waits on Kafka: while the broker is away records wait in memory (bounded; the oldest go first,
 * counted in a warning) and the audit file or stdout keeps them all. The topic is created on
 * first use when absent, like the ingest producers do.
 */
@Injectable()
export class KafkaAuditPublisher implements AuditSink, OnApplicationShutdown {
  private readonly logger = new Logger('AuditPublisher');
  private readonly waiting: AuditRecord[] = [];
  private producer?: Producer;
  private ready?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private failing = false;
  private dropped = 0;
  private closed = false;

  constructor(private readonly kafka: Kafka, private readonly codec: SchemaCodec) {}

  publish(record: AuditRecord): void {
    if (this.closed) return;
    if (this.waiting.length >= MAX_WAITING) {
      this.waiting.shift();
      this.dropped += 1;
    }
    this.waiting.push(record);
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const last = this.flushing?.then(() => this.flush()) ?? this.flush();
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([last, new Promise<void>((resolve) => (deadline = setTimeout(resolve, SHUTDOWN_FLUSH_MS)))]);
    clearTimeout(deadline);
    if (this.waiting.length) this.logger.warn(`${this.waiting.length} audit record(s) not produced to ${TOPICS.audit} at shutdown (the JSON-lines audit log has them)`);
    await this.producer?.disconnect().catch(() => undefined);
  }

  private schedule(): void {
    if (this.timer || this.flushing || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.waiting.length) this.schedule();
      });
    }, FLUSH_MS);
  }

  private async flush(): Promise<void> {
    const batch = this.waiting.splice(0, BATCH);
    if (!batch.length) return;
    try {
      await (this.ready ??= this.connect());
      const messages = await Promise.all(batch.map(async (r) => ({ key: r.token, value: await this.codec.encode(TOPICS.audit, r) })));
      await this.producer!.send({ topic: TOPICS.audit, messages });
      if (this.failing || this.dropped) this.logger.log(`audit records reach ${TOPICS.audit} again${this.dropped ? ` (${this.dropped} oldest dropped while waiting)` : ''}`);
      this.failing = false;
      this.dropped = 0;
    } catch (err) {
      this.waiting.unshift(...batch.slice(0, MAX_WAITING - this.waiting.length));
      this.ready = undefined;
      if (!this.failing) this.logger.warn(`cannot produce audit records to ${TOPICS.audit} (${(err as Error).message}): they wait in memory, and the JSON-lines audit log has them`);
      this.failing = true;
    }
  }

  private async connect(): Promise<void> {
    await ensureTopics(this.kafka, [topicSpec(TOPICS.audit)]);
    this.producer ??= createIdempotentProducer(this.kafka);
    await this.producer.connect();
  }
}
