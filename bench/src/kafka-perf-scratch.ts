import type { Kafka } from 'kafkajs';
import { retryUntil } from '@md/kafka';

/**
 * Drops `topic` if a previous run left it, then creates it empty with `partitions` (the broker's
 * default replication) and returns once every partition answers a list-offsets. Both steps retry
 * retriable errors, as ensureTopics does (a KRaft broker answers NOT_LEADER_OR_FOLLOWER for a moment
 * after a create); a create that failed after the broker made the topic is then answered `false`
 * (exists), which is success here since the old one was deleted first.
 */
export async function recreateScratchTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
    await retryUntil(`creating ${topic}`, () => admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: -1 }] }));
    const offsets = await retryUntil(`waiting for leaders of ${topic}`, () => admin.fetchTopicOffsets(topic));
    if (offsets.length !== partitions || offsets.some((o) => o.high !== '0')) {
      throw new Error(`${topic} is not a fresh topic of ${partitions} partitions (${offsets.length} partitions, ends ${offsets.map((o) => o.high).join(',')})`);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Deletes `topic` if it exists; a cleanup step, so it never throws. */
export async function deleteScratchTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
  } catch {
    // best effort: the next run drops it before use
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Deletes a bench consumer group and its committed offsets; a cleanup step, so it never throws. */
export async function deleteScratchGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // best effort: an empty group expires with its offsets (offsets.retention.minutes)
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
