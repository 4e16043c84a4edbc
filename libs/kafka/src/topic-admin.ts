import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { TopicSpec } from '@md/contracts';
import { retryUntil } from './retry-until';

/** Creates the declared topics that do not exist yet; reports, never shrinks, existing ones. */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> {
  const logger = new Logger('ensureTopics');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: -1,
          configEntries: [
            { name: 'retention.ms', value: String(s.retentionMs) },
            { name: 'cleanup.policy', value: s.cleanupPolicy },
          ],
        })),
      });
      // waitForLeaders only waits for the controller's view; a list-offsets right after can
      // still meet NOT_LEADER_OR_FOLLOWER. Return once every new partition answers.
      for (const s of missing) await retryUntil(`waiting for leaders of ${s.name}`, () => admin.fetchTopicOffsets(s.name));
      logger.log(`created topics: ${missing.map((s) => s.name).join(', ')}`);
    }
    return missing.map((s) => s.name);
  } finally {
    await admin.disconnect();
  }
}

/** Creates a stage's compacted state changelog if missing (see changelogTopic in contracts). */
export async function ensureChangelog(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{
        topic, numPartitions: partitions, replicationFactor: -1,
        // Compacted: the latest state per key survives; small segments so the cleaner keeps
        // restores short (Kafka Streams uses the same settings for its changelogs).
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'segment.ms', value: String(60 * 60 * 1000) },
          { name: 'min.cleanable.dirty.ratio', value: '0.1' },
        ],
      }],
    });
    await retryUntil(`waiting for leaders of ${topic}`, () => admin.fetchTopicOffsets(topic));
  } finally {
    await admin.disconnect();
  }
}
