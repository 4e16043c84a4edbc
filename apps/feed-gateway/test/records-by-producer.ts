import type { Kafka } from 'kafkajs';
import { endOffsets, type PartitionOffsets } from '@md/kafka';

// On the shared test stack every pipeline's preprocessor reads all of md.raw.bars.v1, so a run's
// symbol reaches md.bars.v1 once per pipeline running at the time. Which pipeline wrote a record
// is in its record batch: the producer id, one per transactional id (a restarted instance keeps
// it, with a higher epoch). This reads a topic's committed records, as readTopicRange does, with
// that id, so a test can check each pipeline's output on its own.

export interface ProducedRecord {
  key: string | null;
  value: Buffer | null;
  producerId: string;
}

/** Committed records of `topic` from `from` up to its end offsets at call time whose key `keep` accepts. */
export async function readByProducer(kafka: Kafka, topic: string, from: PartitionOffsets, keep: (key: string | null) => boolean, timeoutMs = 120_000): Promise<ProducedRecord[]> {
  const end = await endOffsets(kafka, topic);
  const pending = new Set([...end].filter(([p, high]) => BigInt(high) > BigInt(from.get(p) ?? '0')).map(([p]) => p));
  const out: ProducedRecord[] = [];
  if (pending.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `md-test-reader-${process.pid}-${Date.now()}`, readUncommitted: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} did not reach its end offsets in time`)), timeoutMs);
      // Batches of transaction markers alone occupy offsets too (kafkajs #1256): done is the fetch position at the end.
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
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset < BigInt(from.get(batch.partition) ?? '0') || offset >= BigInt(end.get(batch.partition) ?? '0')) continue;
            const key = m.key?.toString() ?? null;
            const context = (m as unknown as { batchContext?: { producerId?: string } }).batchContext;
            if (keep(key)) out.push({ key, value: m.value, producerId: String(context?.producerId ?? '-1') });
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
