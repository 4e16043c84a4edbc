import type { Kafka } from 'kafkajs';
import { createTransactionalProducer } from './producer';

export interface TopicOffsets {
  topic: string;
  partitions: Array<{ partition: number; offset: string }>;
}

/**
 * Commits `entries` as the offsets of `groupId`, all topics in one transaction's TxnOffsetCommit
 * (KIP-98). kafkajs' admin.setOffsets instead joins the group with a consumer and waits out a
 * fetch per topic; a transactional producer commits any inactive group's offsets at once,
 * atomically. `transactionalId` should be unique to the caller (a run, a CLI invocation).
 */
export async function commitGroupOffsets(kafka: Kafka, groupId: string, entries: TopicOffsets[], transactionalId: string): Promise<void> {
  const producer = createTransactionalProducer(kafka, transactionalId);
  await producer.connect();
  try {
    const txn = await producer.transaction();
    try {
      await txn.sendOffsets({ consumerGroupId: groupId, topics: entries });
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => undefined);
      throw err;
    }
  } finally {
    await producer.disconnect();
  }
}

/** Where the group resumes a partition: its committed offset, or the earliest when it has none (fromBeginning stages). */
export async function resumeOffset(kafka: Kafka, groupId: string, topic: string, partition: number): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    if (offset !== '-1') return offset;
    return (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition)?.low ?? '0';
  } finally {
    await admin.disconnect();
  }
}
