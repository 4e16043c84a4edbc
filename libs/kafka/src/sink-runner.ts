import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, KafkaMessage, Message, Producer } from 'kafkajs';
import { TOPICS } from '@md/contracts';
import { chunks } from './chunks';
import { isRetriableError } from './classify-error';
import { isMembershipLost } from './group-membership';
import { createIdempotentProducer } from './producer';
import { writeIsolatingFailures } from './isolate-failures';
import { retryWhileRetriable, StopRequested } from './retry-loop';
import { ConsumerSupervisor } from './consumer-supervisor';
import { consumerConfig, deadLetterMessage, outageBudgetMs, subscribe, type StageContext } from './stage-context';

/** What one write covers: its topic partition, stored (or dead-lettered) up to `nextOffset`. */
export interface Covered {
  topic: string;
  partition: number;
  /** The offset after the batch's last record, as Kafka commits it. */
  nextOffset: string;
}

export interface SinkHandler<T> {
  decode(message: KafkaMessage, topic: string): Promise<T>;
  /**
   * Idempotent write of a batch (upsert on the natural key); throws to reject or retry. A sink
   * that keeps its position beside its rows stores `covered` in the same transaction.
   */
  write(records: T[], covered: Covered): Promise<void>;
}

const DLQ_SEND_BATCH = 200;

const firstReason = (rejected: Array<{ error: unknown }>) => (rejected.length ? String((rejected[0].error as Error)?.message ?? rejected[0].error) : 'undecodable record');

const nextOffset = (message: KafkaMessage) => (BigInt(message.offset) + 1n).toString();

interface Decoded<T> {
  message: KafkaMessage;
  value: T;
}

/**
 * Consumer for sinks (database, cache). Per bounded chunk: decode, write, dead-letter the bad
 * records, and only then commit the offset, so a crash anywhere replays at most the chunk, which
 * the idempotent write absorbs. During an outage the partition is paused and the write retried
 * with backoff until it succeeds or the consumer stops.
 */
export class SinkRunner<T> {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  /** The runner's own idempotent producer for md.dlq.v1: connected in start, closed in stop. */
  private readonly dlqProducer: Producer;
  private readonly supervisor: ConsumerSupervisor;

  constructor(
    private readonly ctx: StageContext,
    private readonly handler: SinkHandler<T>,
  ) {
    this.logger = new Logger(`${SinkRunner.name}:${ctx.stage}`);
    this.consumer = ctx.kafka.consumer(consumerConfig(ctx));
    this.dlqProducer = createIdempotentProducer(ctx.kafka);
    this.supervisor = new ConsumerSupervisor(this.consumer, {
      stage: ctx.stage, outageBudgetMs: outageBudgetMs(ctx), backoff: ctx.backoff, maxWaitTimeInMs: consumerConfig(ctx).maxWaitTimeInMs,
      run: () => this.run(), close: () => this.dlqProducer.disconnect(),
    });
  }

  /** For /ready: joined to the group and hearing from the broker (consumer-supervisor.ts). */
  get ready(): () => boolean {
    return this.supervisor.ready;
  }

  /**
   * Connects and joins, retrying a broker that is not there yet for up to the outage budget;
   * `prepare` (topic creation) runs in the same retry. Later outages are the supervisor's.
   */
  start(prepare: () => Promise<unknown> = async () => undefined): Promise<void> {
    return this.supervisor.start(async () => {
      await prepare();
      await this.ctx.codec.registerAll([TOPICS.deadLetter]);
      await this.dlqProducer.connect();
      await subscribe(this.ctx, this.consumer);
    });
  }

  /** Stops fetching, lets the in-flight chunk finish and commit, then closes both clients. */
  async stop(): Promise<void> {
    this.supervisor.stop();
    await this.consumer.disconnect();
    await this.dlqProducer.disconnect();
  }

  private run(): Promise<void> {
    return this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset, pause } = payload;
    const keepGoing = () => isRunning() && !isStale();
    for (const chunk of chunks(batch.messages, this.ctx.maxBatchRecords)) {
      if (!keepGoing()) return;
      const started = process.hrtime.bigint();
      let resume: (() => void) | undefined;
      try {
        const rejects = await retryWhileRetriable(() => this.writeChunk(batch.topic, batch.partition, chunk), {
          keepGoing,
          heartbeat,
          onRetry: (err) => {
            this.ctx.metrics.retries.inc({ stage: this.ctx.stage, error: (err as Error).name ?? 'Error' });
            if (!resume) {
              resume = pause();
              this.ctx.metrics.pausedPartitions.inc({ stage: this.ctx.stage });
            }
          },
        }, this.ctx.backoff, this.logger);
        if (rejects.length) {
          // Bounded produce requests: a whole rejected chunk in one request can exceed the broker's message.max.bytes.
          for (const part of chunks(rejects, DLQ_SEND_BATCH)) await this.dlqProducer.send({ topic: TOPICS.deadLetter, messages: part });
        }
        const last = chunk[chunk.length - 1].offset;
        if (!(await this.commit(batch.topic, batch.partition, last))) return;
        resolveOffset(last);
        this.ctx.metrics.recordsIn.inc({ stage: this.ctx.stage, topic: batch.topic }, chunk.length);
        this.ctx.metrics.batchDuration.observe({ stage: this.ctx.stage }, Number(process.hrtime.bigint() - started) / 1e9);
      } catch (err) {
        if (err instanceof StopRequested) return;
        throw err;
      } finally {
        if (resume) {
          resume();
          this.ctx.metrics.pausedPartitions.dec({ stage: this.ctx.stage });
        }
      }
      await heartbeat();
    }
  }

  /**
   * Commits the chunk; false when the group took the partition away meanwhile (an eviction or a
   * rebalance): the write stands (idempotent), and whoever owns the partition now re-reads the
   * chunk. Rejoining is kafkajs' (its fetch loop rejoins on the next UNKNOWN_MEMBER_ID), not a
   * reason to end the process.
   */
  private async commit(topic: string, partition: number, lastOffset: string): Promise<boolean> {
    try {
      await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(lastOffset) + 1n).toString() }]);
      return true;
    } catch (err) {
      if (!isMembershipLost(err)) throw err;
      this.logger.warn(`${topic}/${partition}: group membership lost before the commit (${(err as Error).message}); the chunk will be read again after the rejoin, and its write is idempotent`);
      return false;
    }
  }

  /** Returns dead-letter messages for the records that cannot be stored; stores the rest. */
  private async writeChunk(topic: string, partition: number, chunk: KafkaMessage[]): Promise<Message[]> {
    const good: Decoded<T>[] = [];
    const dead: Message[] = [];
    for (const message of chunk) {
      try {
        good.push({ message, value: await this.handler.decode(message, topic) });
      } catch (err) {
        if (isRetriableError(err)) throw err;
        dead.push(await deadLetterMessage(this.ctx, err, topic, partition, message));
      }
    }
    // A batch that ends with the chunk's last good record covers the whole chunk (dead records
    // after it are dead-lettered below); a half written while a bad row is isolated covers up to
    // its own last record. Halves are written in order, so the mark only moves forward.
    const chunkEnd = nextOffset(chunk[chunk.length - 1]);
    const rejected = await writeIsolatingFailures(good, (items) => {
      const last = items[items.length - 1];
      const covered = { topic, partition, nextOffset: last === good[good.length - 1] ? chunkEnd : nextOffset(last.message) };
      return this.handler.write(items.map((d) => d.value), covered);
    });
    for (const { item, error } of rejected) dead.push(await deadLetterMessage(this.ctx, error, topic, partition, item.message));
    this.ctx.metrics.recordsOut.inc({ stage: this.ctx.stage, topic: 'database' }, good.length - rejected.length);
    if (dead.length) this.logger.warn(`${dead.length} of ${chunk.length} records dead-lettered (${topic}/${partition}); first: ${firstReason(rejected)}`);
    return dead;
  }
}
