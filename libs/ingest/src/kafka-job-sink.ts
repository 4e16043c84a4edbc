import { Logger } from '@nestjs/common';
import type { Kafka, Message, Producer } from 'kafkajs';
import { INGEST_CHECKPOINTS, TOPICS } from '@md/contracts';
import { boundedParts, createTransactionalProducer, ensureChangelog, readTopicRange, type SchemaCodec } from '@md/kafka';
import type { StageMetrics } from '@md/observability';
import type { CheckpointedSink } from './checkpointed-sink';
import { jobStart, parseJobCheckpoint, type JobCheckpoint, type JobStart, type JobState, type RerunPolicy } from './job-checkpoint';
import { countRecordsOut, recordMessages, rejectedMessage, type DeadLetterContext } from './kafka-record-sink';
import type { CanonicalRecord, Rejected } from './record-sink';

// A job's records, dead letters and position in one Kafka transaction per batch (KIP-98), so a
// read_committed consumer sees a batch and the position past it together or not at all: a kill -9
// at any point loses and repeats nothing. The transactional id is derived from the job's key, so a
// restarted job fences its zombie (kafkajs implements no KIP-447; a stable id is the fence).
//
// What a restart costs: fencing (InitProducerId, which aborts the zombie's open transaction: its
// records stay invisible to read_committed readers), one read of the checkpoint topic (a consumer
// group join: ~0.2 s for both on the local broker, plus the broker's group.initial.rebalance.delay.ms,
// 3 s by default), then the job re-reads its input up to the position without publishing it. A
// batch costs one transaction more than an idempotent send (AddPartitionsToTxn, EndTxn, markers).
// A job killed and never restarted leaves its open transaction until the broker times it out
// (kafkajs' default transaction timeout, 60 s); read_committed readers of its partitions wait
// that long.

export interface JobSinkContext {
  kafka: Kafka;
  codec: SchemaCodec;
  metrics: StageMetrics;
  /** Labels metrics and dead letters: feed-gateway, feed-gateway-backfill. */
  stage: string;
}

export interface JobIdentity {
  /** The job's identity: what it reads (file path, symbol, ...). Checkpoint key; names the transactional id. */
  key: string;
  /** How it reads it (zone, columns, ...): a stored run resumes only under the same (job-checkpoint.ts). */
  params: unknown;
  /** Where unencodable records are said to come from in their dead letters. */
  source: string;
  rerun: RerunPolicy;
}

/** Dead letters held between two publishes at most: a batch of rows, or a REST page (Alpaca's largest is 10,000). */
export const MAX_HELD_DEAD_LETTERS = 10_000;

/** Stable per job, so the restarted job fences the one it replaces. */
export const jobTransactionalId = (key: string) => `md-ingest-job|${key}`;

/** The latest committed checkpoint of `key`: reads the (compacted, one-partition) topic to its end, read_committed. */
async function readCheckpoint<P>(kafka: Kafka, key: string): Promise<JobCheckpoint<P> | undefined> {
  const records = await readTopicRange(kafka, INGEST_CHECKPOINTS.name, new Map(), { timeoutMs: 120_000 });
  const latest = records.filter((r) => r.key?.toString() === key).at(-1);
  return latest ? parseJobCheckpoint<P>(key, latest.value?.toString() ?? null) : undefined;
}

export class KafkaJobSink<P> implements CheckpointedSink<P> {
  readonly checkpointed = true;
  private readonly logger: Logger;
  private readonly dlq: DeadLetterContext;
  private held: Rejected[] = [];
  private committed: JobCheckpoint<P>;

  private constructor(private readonly ctx: JobSinkContext, private readonly job: JobIdentity, private readonly producer: Producer, readonly start: JobStart<P>) {
    this.logger = new Logger(`${KafkaJobSink.name}:${job.key}`);
    this.dlq = { stage: ctx.stage, codec: ctx.codec, metrics: ctx.metrics };
    this.committed = {
      version: 1, job: job.key, params: job.params, run: start.run, state: start.done ? 'done' : 'running',
      position: start.resumeAt ?? null, published: start.published, rejected: start.rejected, updatedAt: new Date().toISOString(),
    };
  }

  /** Fences any zombie of the job, reads its checkpoint and decides where this start begins. */
  static async open<P>(ctx: JobSinkContext, job: JobIdentity): Promise<KafkaJobSink<P>> {
    await ensureChangelog(ctx.kafka, INGEST_CHECKPOINTS.name, INGEST_CHECKPOINTS.partitions);
    const producer = createTransactionalProducer(ctx.kafka, jobTransactionalId(job.key));
    await producer.connect();
    try {
      // kafkajs sends InitProducerId with the transactional id only when a transaction begins: an
      // empty one, aborted locally, fences the zombie now, before its checkpoint is read.
      await (await producer.transaction()).abort();
      const stored = await readCheckpoint<P>(ctx.kafka, job.key);
      return new KafkaJobSink(ctx, job, producer, jobStart(stored, job.params, job.rerun));
    } catch (err) {
      await producer.disconnect();
      throw err;
    }
  }

  get resumeAt(): P | undefined {
    return this.start.resumeAt;
  }

  get state(): JobState {
    return this.committed.state;
  }

  async publish(records: readonly CanonicalRecord[], position: P): Promise<void> {
    await this.commit(records, 'running', position);
  }

  /** Held until the next publish; callers publish at least every batch of rows, so this stays a batch. */
  async reject(rejected: Rejected): Promise<void> {
    if (this.held.length >= MAX_HELD_DEAD_LETTERS) throw new Error(`job ${this.job.key}: ${MAX_HELD_DEAD_LETTERS} dead letters held without a publish; publish a position at least every batch`);
    this.held.push(rejected);
  }

  /** The input ended: the run is done (with any dead letters still held). */
  async finish(): Promise<void> {
    await this.commit([], 'done', this.committed.position);
  }

  /** A clean stop after the run was done: the next start begins a new run (job-checkpoint.ts). */
  async endRun(): Promise<void> {
    if (this.committed.state === 'done' && this.job.rerun === 'after-clean-stop') await this.commit([], 'closed', this.committed.position);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  private async commit(records: readonly CanonicalRecord[], state: JobState, position: P | null): Promise<void> {
    const outputs = await recordMessages(this.dlq, this.job.source, records);
    const letters = await Promise.all(this.held.map((r) => rejectedMessage(this.dlq, r)));
    if (letters.length) outputs.set(TOPICS.deadLetter, [...(outputs.get(TOPICS.deadLetter) ?? []), ...letters]);
    const next: JobCheckpoint<P> = {
      ...this.committed, state, position,
      published: this.committed.published + records.length, rejected: this.committed.rejected + this.held.length, updatedAt: new Date().toISOString(),
    };
    const checkpoint: Message = { key: this.job.key, value: JSON.stringify(next) };
    outputs.set(INGEST_CHECKPOINTS.name, [checkpoint]);
    const txn = await this.producer.transaction();
    try {
      for (const part of boundedParts(outputs)) await txn.sendBatch({ topicMessages: part });
      await txn.commit();
    } catch (err) {
      await txn.abort().catch((abortErr: Error) => this.logger.warn(`abort failed: ${abortErr.message}`));
      throw err;
    }
    this.committed = next;
    this.held = [];
    countRecordsOut(this.ctx.metrics, this.ctx.stage, outputs, INGEST_CHECKPOINTS.name);
  }
}
