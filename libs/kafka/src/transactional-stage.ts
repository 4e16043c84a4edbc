import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, KafkaMessage, Message, Producer, TopicMessages } from 'kafkajs';
import { BAR_PARTITIONS, TOPICS, TransientError } from '@md/contracts';
import { chunks } from './chunks';
import { isFencedError, isRetriableError } from './classify-error';
import { CommittedPositions } from './committed-positions';
import { ConsumerSupervisor } from './consumer-supervisor';
import { resumeOffset } from './group-offsets';
import { createTransactionalProducer } from './producer';
import { retryWhileRetriable, StopRequested } from './retry-loop';
import { retryUntil } from './retry-until';
import { consumerConfig, deadLetterMessage, outageBudgetMs, subscribe, type StageContext } from './stage-context';
import { PartitionState, type KeyedState } from './state-store';
import { ensureChangelog } from './topic-admin';
import { endOffsets, readTopicRange } from './topic-reader';

export interface OutputRecord {
  topic: string;
  key: string;
  value: Buffer;
}

/**
 * Transform of one input message; throw InvalidRecordError to dead-letter it. `state` is the
 * input partition's keyed state (only with a changelog topic); validate a message before
 * mutating state, since a dead-lettered message's partial mutations are kept.
 */
export type Transform = (message: KafkaMessage, topic: string, state: KeyedState) => Promise<OutputRecord[]>;

/**
 * kafkajs puts all of one send's messages for a partition into one record batch, and the broker
 * refuses a batch over message.max.bytes (1 MiB by default, KIP-98 batches included). A chunk of
 * wide outputs (feature vectors) can exceed it, so a transaction's outputs go out in sends of at
 * most this many bytes of keys and values; the transaction still commits them all or none.
 */
const MAX_SEND_BYTES = 512 * 1024;

export function boundedParts(outputs: ReadonlyMap<string, Message[]>, maxBytes = MAX_SEND_BYTES): TopicMessages[][] {
  const parts: TopicMessages[][] = [];
  let part = new Map<string, Message[]>();
  let bytes = 0;
  const flush = () => {
    if (part.size) parts.push([...part].map(([topic, messages]) => ({ topic, messages })));
    part = new Map();
    bytes = 0;
  };
  for (const [topic, messages] of outputs) {
    for (const m of messages) {
      const size = sizeOf(m.key) + sizeOf(m.value);
      if (bytes + size > maxBytes && bytes > 0) flush();
      (part.get(topic) ?? part.set(topic, []).get(topic)!).push(m);
      bytes += size;
    }
  }
  flush();
  return parts;
}

function sizeOf(v: Message['key'] | Message['value']): number {
  return v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/** A transaction whose EndTxn got no answer: it may have committed. Settled, never retried in place. */
class CommitOutcomeUnknown extends Error {
  readonly retriable = true;
}

/**
 * Consume-transform-produce in Kafka transactions (KIP-98): the outputs of a chunk, its
 * dead-letter records and the input offsets commit atomically, so downstream read_committed
 * consumers see each input's effect exactly once even across crashes. Transactional ids are
 * per instance; kafkajs does not implement KIP-447 group-metadata fencing, so zombie fencing
 * relies on the stable id (TRANSACTIONAL_ID) of a restarted instance.
 */
export class TransactionalStage {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private producer: Producer;
  /** Set when a transaction could not be ended (the broker went away mid-commit): the next commit starts on a new producer. */
  private producerBroken = false;
  private readonly supervisor: ConsumerSupervisor;
  private readonly states = new Map<number, PartitionState>();
  private readonly positions = new CommittedPositions();
  private restorePending = true;

  /**
   * `changelogTopic`: a compacted topic with as many partitions as each input topic (inputs are
   * keyed alike, so partition p of every input shares partition p's state).
   */
  constructor(
    private readonly ctx: StageContext,
    private readonly transactionalId: string,
    private readonly transform: Transform,
    private readonly changelogTopic?: string,
  ) {
    this.logger = new Logger(`${TransactionalStage.name}:${ctx.stage}`);
    this.consumer = ctx.kafka.consumer({ ...consumerConfig(ctx), readUncommitted: false });
    this.producer = createTransactionalProducer(ctx.kafka, transactionalId);
    this.supervisor = new ConsumerSupervisor(this.consumer, {
      stage: ctx.stage, outageBudgetMs: outageBudgetMs(ctx), backoff: ctx.backoff, maxWaitTimeInMs: consumerConfig(ctx).maxWaitTimeInMs,
      run: () => this.run(), close: () => this.producer.disconnect(),
    });
    // After every rebalance another instance may have moved our partitions' state on.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.restorePending = true;
    });
  }

  /** For /ready: joined to the group and hearing from the broker (consumer-supervisor.ts). */
  get ready(): () => boolean {
    return this.supervisor.ready;
  }

  /**
   * Connects and joins, retrying what a broker that is not there yet (or still electing leaders)
   * answers for up to the outage budget; `prepare` (topic creation, schema registration) runs in
   * the same retry. Resolves once consuming; later outages are the supervisor's.
   */
  start(prepare: () => Promise<unknown> = async () => undefined): Promise<void> {
    return this.supervisor.start(async () => {
      await prepare();
      if (this.changelogTopic) await ensureChangelog(this.ctx.kafka, this.changelogTopic, BAR_PARTITIONS);
      await this.producer.connect();
      await subscribe(this.ctx, this.consumer);
    });
  }

  async stop(): Promise<void> {
    this.supervisor.stop();
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private run(): Promise<void> {
    return this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    const keepGoing = () => isRunning() && !isStale();
    if (this.changelogTopic && this.restorePending) await this.restoreState(this.changelogTopic, heartbeat);
    const messages = this.positions.unprocessed(batch.topic, batch.partition, batch.messages);
    if (messages.length < batch.messages.length) {
      const skipped = batch.messages.length - messages.length;
      this.logger.warn(`${batch.topic}/${batch.partition}: skipped ${skipped} record(s) this instance had already committed (the group's offset was read before the last commit's markers landed)`);
      if (!messages.length) resolveOffset(batch.messages[batch.messages.length - 1].offset);
    }
    for (const chunk of chunks(messages, this.ctx.maxBatchRecords)) {
      if (!keepGoing()) return;
      const started = process.hrtime.bigint();
      try {
        const outputs = await retryWhileRetriable(() => this.transformChunk(batch.topic, batch.partition, chunk), {
          keepGoing, heartbeat, onRetry: (err) => this.ctx.metrics.retries.inc({ stage: this.ctx.stage, error: (err as Error).name }),
        }, this.ctx.backoff, this.logger);
        const next = (BigInt(chunk[chunk.length - 1].offset) + 1n).toString();
        await retryWhileRetriable(() => this.commit(outputs, batch.topic, batch.partition, next), {
          keepGoing, heartbeat, onRetry: (err) => this.ctx.metrics.retries.inc({ stage: this.ctx.stage, error: (err as Error).name }),
          retriable: (err) => !(err instanceof CommitOutcomeUnknown) && isRetriableError(err),
        }, this.ctx.backoff, this.logger);
      } catch (err) {
        if (err instanceof StopRequested) return;
        if (err instanceof CommitOutcomeUnknown) return this.settleUnknownCommit(batch.topic, batch.partition, { keepGoing: isRunning, heartbeat });
        throw err;
      }
      resolveOffset(chunk[chunk.length - 1].offset);
      this.ctx.metrics.recordsIn.inc({ stage: this.ctx.stage, topic: batch.topic }, chunk.length);
      this.ctx.metrics.batchDuration.observe({ stage: this.ctx.stage }, Number(process.hrtime.bigint() - started) / 1e9);
      await heartbeat();
    }
  }

  /**
   * A new producer with the same transactional id: its InitProducerId (KIP-98) ends whatever the
   * old one left open (aborted, or completed if its EndTxn reached the coordinator) under a higher
   * epoch. Only after a retriable failure of our own; a fenced producer never gets here.
   */
  private async replaceProducer(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.producer = createTransactionalProducer(this.ctx.kafka, this.transactionalId);
    await this.producer.connect();
    // kafkajs sends InitProducerId when a transaction begins; the broker answers it only once the
    // old transaction is complete (CONCURRENT_TRANSACTIONS meanwhile, retried by kafkajs).
    await (await this.producer.transaction()).abort();
    this.producerBroken = false;
  }

  /**
   * After a commit of unknown outcome: settle it (replaceProducer), then go back to the group's
   * committed offset of the partition and reload the state from the changelog, so the chunk is
   * processed again only if it did not commit. Retrying the same outputs in place would publish
   * them twice when the lost answer was a success.
   */
  private async settleUnknownCommit(topic: string, partition: number, hooks: { keepGoing: () => boolean; heartbeat: () => Promise<void> }): Promise<void> {
    this.logger.warn(`${topic}/${partition}: commit outcome unknown after a broker failure; settling it and resuming from the committed offset`);
    try {
      await retryWhileRetriable(async () => {
        await this.replaceProducer();
        const offset = await resumeOffset(this.ctx.kafka, this.ctx.groupId, topic, partition);
        this.restorePending = true;
        this.consumer.seek({ topic, partition, offset });
      }, { ...hooks, onRetry: (err) => this.ctx.metrics.retries.inc({ stage: this.ctx.stage, error: (err as Error).name }) }, this.ctx.backoff, this.logger);
    } catch (err) {
      if (!(err instanceof StopRequested)) throw err;
    }
  }

  /** Rebuilds every partition's state from the changelog (last record per key wins). */
  private async restoreState(changelogTopic: string, heartbeat: () => Promise<void>): Promise<void> {
    const started = Date.now();
    this.states.clear();
    // Reading the changelog takes seconds (a reader joins its own group): keep this member alive
    // meanwhile, or a short session timeout evicts it and every rejoin restores again.
    const beat = setInterval(() => heartbeat().catch(() => undefined), 1000);
    const records = await (async () => {
      await retryUntil(`waiting for ${changelogTopic} to be stable past this instance's last commit`, async () => {
        if (!this.positions.changelogStable(await endOffsets(this.ctx.kafka, changelogTopic))) throw new TransientError('commit markers not written yet');
      }, 60_000, { initialMs: 50, maxMs: 1000 });
      return readTopicRange(this.ctx.kafka, changelogTopic, new Map(), { maxMessages: Number.MAX_SAFE_INTEGER });
    })().finally(() => clearInterval(beat));
    for (const r of records) this.stateOf(r.partition).restore(r.key?.toString() ?? '', r.value ? r.value.toString() : null);
    this.restorePending = false;
    this.logger.log(`restored state from ${changelogTopic}: ${records.length} records in ${Date.now() - started} ms`);
  }

  private stateOf(partition: number): PartitionState {
    let state = this.states.get(partition);
    if (!state) this.states.set(partition, (state = new PartitionState(partition)));
    return state;
  }

  private async transformChunk(topic: string, partition: number, chunk: KafkaMessage[]): Promise<Map<string, Message[]>> {
    const byTopic = new Map<string, Message[]>();
    const add = (t: string, m: Message) => (byTopic.get(t) ?? byTopic.set(t, []).get(t)!).push(m);
    const state = this.stateOf(partition);
    state.rollback(); // a retried chunk starts again from the committed state
    for (const message of chunk) {
      try {
        for (const out of await this.transform(message, topic, state)) add(out.topic, { key: out.key, value: out.value });
      } catch (err) {
        if (isRetriableError(err)) throw err;
        add(TOPICS.deadLetter, await deadLetterMessage(this.ctx, err, topic, partition, message));
      }
    }
    if (this.changelogTopic) for (const m of state.changelogMessages()) add(this.changelogTopic, m);
    return byTopic;
  }

  private async commit(outputs: Map<string, Message[]>, topic: string, partition: number, nextOffset: string): Promise<void> {
    if (this.producerBroken) await this.replaceProducer();
    const txn = await this.producer.transaction();
    const written: Array<{ topicName: string; partition: number; baseOffset?: string }> = [];
    try {
      for (const part of boundedParts(outputs)) written.push(...(await txn.sendBatch({ topicMessages: part })));
      await txn.sendOffsets({ consumerGroupId: this.ctx.groupId, topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }] });
      await txn.commit();
    } catch (err) {
      if (isFencedError(err)) {
        this.supervisor.fenced(err);
        throw err;
      }
      // kafkajs leaves a transaction whose EndTxn failed in COMMITTING or ABORTING for good, and
      // a commit whose answer was lost (the broker died meanwhile) may have happened.
      const abortError: unknown = await txn.abort().then(() => undefined, (e) => e ?? new Error('abort failed'));
      if (abortError) {
        // Fenced while the commit failed for another reason: still a zombie, never a new producer.
        if (isFencedError(abortError)) {
          this.supervisor.fenced(abortError);
          throw abortError;
        }
        this.producerBroken = true;
        throw new CommitOutcomeUnknown(`${topic}/${partition}: transaction neither committed nor aborted (${(err as Error).message})`, { cause: err });
      }
      throw err;
    }
    this.stateOf(partition).commit();
    this.positions.committed(topic, partition, nextOffset);
    for (const w of written) if (w.topicName === this.changelogTopic && w.baseOffset !== undefined) this.positions.changelogCommitted(w.partition, w.baseOffset);
    for (const [t, messages] of outputs) {
      if (t !== TOPICS.deadLetter && t !== this.changelogTopic) this.ctx.metrics.recordsOut.inc({ stage: this.ctx.stage, topic: t }, messages.length);
    }
  }
}
