import type { Kafka } from 'kafkajs';
import { commitGroupOffsets, endOffsets, readTopicRange, retryUntil } from '@md/kafka';
import { waitFor } from './wait-for';

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

/**
 * Per partition, the offset after the topic's last record. A topic written in transactions ends
 * with a commit marker, which takes an offset no consumer ever commits past (it receives no
 * message for it), so the end offset would be out of reach: the last offset is read, and where it
 * holds no record (a marker) the end is one less.
 */
async function recordEnds(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const ends = new Map([...(await endOffsets(kafka, topic))].map(([p, e]) => [p, BigInt(e)] as const));
  const tail = await readTopicRange(kafka, topic, new Map([...ends].map(([p, e]) => [p, (e > 0n ? e - 1n : 0n).toString()])));
  return new Map([...ends].map(([p, e]) => [p, e === 0n || tail.some((r) => r.partition === p && BigInt(r.offset) === e - 1n) ? e : e - 1n]));
}

/**
 * Resolves once `groupId` has committed, on every partition of each topic, past the last record
 * the topics hold now: everything published so far has been consumed and committed (a sink
 * commits after its write, a transactional stage with its outputs).
 */
export async function waitCaughtUp(kafka: Kafka, groupId: string, topics: string[], timeoutMs = 120_000): Promise<void> {
  for (const topic of topics) {
    const ends = await recordEnds(kafka, topic);
    await waitFor(`${groupId} to commit ${topic} past its last record`, async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return [...ends].every(([p, end]) => end <= 0n || BigInt(entry.partitions.find((x) => x.partition === p)?.offset ?? '-1') >= end);
      } finally {
        await admin.disconnect();
      }
    }, timeoutMs, 250);
  }
}
