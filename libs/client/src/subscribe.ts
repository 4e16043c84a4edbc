import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { RecordDecoder } from './codec';
import { kafkaOf, type BrokerOptions, type RegistryOptions } from './connection';
import { Handoff } from './handoff';
import type { MdRecord, ValueOf } from './records';

/** Where a group with no committed position starts, or a position to start from on every start. */
export type StartFrom = 'earliest' | 'latest' | Date | Record<number, string | number>;

export interface SubscribeOptions<K extends string> extends BrokerOptions {
  registryUrl: string | RegistryOptions;
  topics: readonly K[];
  groupId: string;
  /**
   * 'earliest' / 'latest': where the group starts when it has no committed offsets (Kafka's
   * auto.offset.reset). A Date: every partition from its first record with a timestamp at or after
   * it (ListOffsets by timestamp, KIP-79), on every start. `{ partition: offset }`: those
   * partitions of every subscribed topic from those offsets, on every start. Default 'latest'.
   */
  from?: StartFrom;
  /** Commit processed offsets (default true). A throwaway reader (snapshotThenTail) turns it off. */
  commit?: boolean;
  /** Commit after this many processed records or this many ms, whichever first (and at the end). */
  commitEvery?: { records: number; ms: number };
  /** Skips a record by its key before decoding it (it still counts as processed). */
  acceptKey?: (key: string | null) => boolean;
  /** A decoder to share between subscriptions (its schema cache); default: one of its own. */
  decoder?: RecordDecoder;
}

export interface Subscription<T> extends AsyncIterable<MdRecord<T>> {
  /** Stops: commits what was processed, leaves the group, closes the connections. */
  close(): Promise<void>;
}

/**
 * The topics as an async iterator of decoded records, read_committed (only records of committed
 * transactions, KIP-98), in offset order per partition. A record's offset is committed only after
 * the loop body that received it returns (when the next record is asked for); a body that
 * throws or breaks leaves its record uncommitted, so it comes again on the next start.
 */
export function subscribe<K extends string>(options: SubscribeOptions<K>): Subscription<ValueOf<K>> {
  const kafka = kafkaOf(options);
  const decoder = options.decoder ?? new RecordDecoder(options.registryUrl);
  const handoff = new Handoff<MdRecord<ValueOf<K>>>();
  const consumer = kafka.consumer({ groupId: options.groupId, readUncommitted: false, allowAutoTopicCreation: false });
  const reader = new TopicReader(kafka, consumer, decoder, handoff, options);
  let started: Promise<void> | undefined;
  const close = () => reader.close();
  return {
    close,
    [Symbol.asyncIterator]() {
      started ??= reader.start().catch((err) => reader.fail(err));
      return {
        next: () => handoff.pull(),
        return: async () => {
          await close();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

class TopicReader<K extends string> {
  private readonly starts = new Map<string, bigint>();
  private pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private sinceCommit = 0;
  private lastCommit = Date.now();
  private closed?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly consumer: Consumer,
    private readonly decoder: RecordDecoder,
    private readonly handoff: Handoff<MdRecord<ValueOf<K>>>,
    private readonly options: SubscribeOptions<K>,
  ) {}

  async start(): Promise<void> {
    const { consumer, options } = this;
    const seeks = await this.startOffsets();
    // kafkajs gives up after its retries (or on a non-retriable error) with a crash it does not
    // restart from: the loop would wait forever, so the iteration ends with that error instead.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) void this.fail(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.from === 'earliest' });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
    for (const s of seeks) {
      this.starts.set(`${s.topic}/${s.partition}`, BigInt(s.offset));
      consumer.seek(s);
    }
  }

  /** Ends the iteration with `error` (the reader's next() rejects) and leaves the group. */
  async fail(error: unknown): Promise<void> {
    this.handoff.end(error);
    await this.close().catch(() => undefined);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.handoff.end();
      await this.commit().catch(() => undefined);
      await this.consumer.disconnect();
    })();
    return this.closed;
  }

  /** The explicit start of each partition, for a Date or an offset map; none for earliest/latest. */
  private async startOffsets(): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    const { from, topics } = this.options;
    if (from === undefined || from === 'earliest' || from === 'latest') return [];
    if (!(from instanceof Date)) {
      return topics.flatMap((topic) => Object.entries(from).map(([partition, offset]) => ({ topic, partition: Number(partition), offset: String(offset) })));
    }
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const out = [];
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, from.getTime())) out.push({ topic, partition: p.partition, offset: p.offset });
      }
      return out;
    } finally {
      await admin.disconnect();
    }
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const start = this.starts.get(`${batch.topic}/${batch.partition}`);
    const every = this.options.commitEvery ?? { records: 500, ms: 1_000 };
    /** The record is processed (handed out and done, or skipped by key): its offset may be committed. */
    const done = async (offset: string) => {
      resolveOffset(offset);
      this.pending.set(`${batch.topic}/${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: (BigInt(offset) + 1n).toString() });
      if (++this.sinceCommit >= every.records || Date.now() - this.lastCommit >= every.ms) await this.commit();
    };
    // The group must keep hearing from this member while the caller's loop body runs.
    const beat = setInterval(() => heartbeat().catch(() => undefined), 3_000);
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || this.closed) return;
        // A batch fetched before the seek took effect: never hand out what lies before the start.
        if (start !== undefined && BigInt(message.offset) < start) continue;
        const key = message.key?.toString() ?? null;
        if (this.options.acceptKey && !this.options.acceptKey(key)) {
          await done(message.offset);
          continue;
        }
        let value: ValueOf<K>;
        try {
          value = await this.decoder.decode<ValueOf<K>>(message.value);
        } catch (err) {
          // Not skipped silently: the caller learns which record, and its offset stays uncommitted.
          // Not awaited: leaving the group waits for this batch handler to return.
          void this.fail(new Error(`${batch.topic}/${batch.partition}@${message.offset}: cannot decode: ${(err as Error).message}`, { cause: err }));
          return;
        }
        const record: MdRecord<ValueOf<K>> = {
          topic: batch.topic, partition: batch.partition, offset: message.offset, key, timestamp: new Date(Number(message.timestamp)), value,
        };
        if (!(await this.handoff.offer(record))) return;
        await done(message.offset);
      }
    } finally {
      clearInterval(beat);
    }
    await this.commit();
  }

  private async commit(): Promise<void> {
    if (this.options.commit === false || this.pending.size === 0) return;
    const offsets = [...this.pending.values()];
    this.pending = new Map();
    this.sinceCommit = 0;
    this.lastCommit = Date.now();
    await this.consumer.commitOffsets(offsets);
  }
}
