import type { IHeaders, Kafka } from 'kafkajs';
import { retryUntil } from './retry-until';

export type PartitionOffsets = Map<number, string>;

/** Current end offset (high watermark) of every partition of `topic`. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<PartitionOffsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await retryUntil(`end offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
    return new Map(offsets.map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

/** A committed record as readTopicRange returns it. */
export interface TopicRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  /**
   * The producer id of the record's batch (kafkajs keeps it on the message's batch context): one
   * per transactional id, kept by a restarted instance, so it tells which pipeline wrote a record.
   */
  producerId: string;
  /**
   * The batch's producer epoch: a replacement with the same transactional id gets a higher one
   * (KIP-98 InitProducerId), so it tells a fenced predecessor's records from its successor's.
   */
  producerEpoch: number;
}

/**
 * Reads `topic` from `from` (per partition; earliest where absent) up to its end offsets at
 * call time, without joining a consumer group's committed state (a throwaway group, no
 * commits). Returns the raw messages; bounded by `maxMessages`.
 */
export async function readTopicRange(
  kafka: Kafka,
  topic: string,
  from: PartitionOffsets,
  options: { maxMessages?: number; timeoutMs?: number } = {},
): Promise<TopicRecord[]> {
  const end = await endOffsets(kafka, topic);
  const pending = new Set([...end].filter(([p, high]) => BigInt(high) > BigInt(from.get(p) ?? '0')).map(([p]) => p));
  const out: TopicRecord[] = [];
  if (pending.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `md-reader-${process.pid}-${Date.now()}`, readUncommitted: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} did not reach its end offsets in time`)), options.timeoutMs ?? 60_000);
      // END_BATCH_PROCESS also fires for batches holding only transaction markers (kafkajs #1256),
      // which occupy offsets too: "done" is the fetch position reaching the end, not the last message.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (BigInt(payload.lastOffset) + 1n >= BigInt(end.get(payload.partition) ?? '0')) pending.delete(payload.partition);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const [partition] of end) consumer.seek({ topic, partition, offset: from.get(partition) ?? '0' });
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              if (BigInt(m.offset) < BigInt(from.get(batch.partition) ?? '0')) continue;
              if (BigInt(m.offset) >= BigInt(end.get(batch.partition) ?? '0')) break;
              if (out.length < (options.maxMessages ?? 1_000_000)) out.push({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {}, ...producerOf(m) });
            }
          },
        })
        .catch(reject);
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
  return out;
}

// kafkajs types omit it, but every fetched message carries its record batch's context.
function producerOf(m: object): { producerId: string; producerEpoch: number } {
  const context = (m as { batchContext?: { producerId?: string; producerEpoch?: number } }).batchContext;
  return { producerId: String(context?.producerId ?? '-1'), producerEpoch: context?.producerEpoch ?? -1 };
}
