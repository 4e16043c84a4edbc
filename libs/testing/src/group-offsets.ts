import type { Kafka } from 'kafkajs';
import { commitGroupOffsets, endOffsets, retryUntil } from '@md/kafka';

/**
 * Commits a new consumer group's offsets at the current end of `topics`, so a stage started
 * under it sees only what is produced from now on. Tests use it to run a fresh pipeline on a
 * shared broker without re-reading every earlier run's records.
 *
 * Through a transaction's TxnOffsetCommit (KIP-98) rather than admin.setOffsets: kafkajs
 * implements the latter by joining the group with a consumer and waiting out a fetch (5 s per
 * topic here); a transactional producer commits any group's offsets, all topics at once.
 */
export async function startGroupAtEnd(kafka: Kafka, groupId: string, topics: string[]): Promise<void> {
  const entries: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> = [];
  for (const topic of topics) {
    const end = await endOffsets(kafka, topic);
    entries.push({ topic, partitions: [...end].map(([partition, offset]) => ({ partition, offset })) });
  }
  // On a fresh broker the group coordinator (__consumer_offsets) may not be up yet.
  await retryUntil(`committing the offsets of ${groupId}`, () => commitGroupOffsets(kafka, groupId, entries, `md-test-offsets-${groupId}`));
}

export function uniqueId(prefix: string): string {
  return `${prefix}${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1296).toString(36).toUpperCase()}`;
}

/** A group's committed offset on one partition of `topic` (-1 when it has none). */
export async function committedOffset(kafka: Kafka, groupId: string, topic: string, partition: number): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return BigInt(entry.partitions.find((p) => p.partition === partition)?.offset ?? '-1');
  } finally {
    await admin.disconnect();
  }
}
