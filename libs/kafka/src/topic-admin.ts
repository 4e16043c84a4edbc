import { Logger } from '@nestjs/common';
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import { TOPIC_TABLE, withTopicRetention, type TopicSpec } from '@md/contracts';
import { retryUntil } from './retry-until';

/**
 * Creates the declared topics that do not exist yet; reports, never shrinks, existing ones.
 *
 * Retention comes from the topic table unless `retention` (default: the TOPIC_RETENTION
 * environment variable, e.g. `md.raw.trades.v1=7d`) sets another. Read here, at creation, rather
 * than in one service's config: whichever process meets a missing topic first creates it (any
 * service at boot, `mdctl topics create`, a test), so the setting must reach all of them alike.
 * A bad value throws a ConfigError naming the variable before anything is created. Existing
 * topics keep the retention they have (change it with kafka-configs --alter).
 */
export async function ensureTopics(kafka: Kafka, declared: readonly TopicSpec[], retention = process.env.TOPIC_RETENTION): Promise<string[]> {
  const specs = withTopicRetention(declared, retention, TOPIC_TABLE);
  const logger = new Logger('ensureTopics');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length) {
      await createAndAwaitLeaders(admin, missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor: -1,
        configEntries: [
          { name: 'retention.ms', value: String(s.retentionMs) },
          { name: 'cleanup.policy', value: s.cleanupPolicy },
        ],
      })));
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
    await createAndAwaitLeaders(admin, [{
      topic, numPartitions: partitions, replicationFactor: -1,
      // Compacted: the latest state per key survives; small segments so the cleaner keeps
      // restores short (Kafka Streams uses the same settings for its changelogs).
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'segment.ms', value: String(60 * 60 * 1000) },
        { name: 'min.cleanable.dirty.ratio', value: '0.1' },
      ],
    }]);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates topics and returns once every new partition answers a list-offsets. Both steps retry
 * retriable errors: with several services starting at once, kafkajs' own waitForLeaders can give
 * up with UNKNOWN_TOPIC_OR_PARTITION before the metadata reaches every broker, and a list-offsets
 * right after can still meet NOT_LEADER_OR_FOLLOWER. A repeated create of an existing topic is a
 * no-op for kafkajs (it returns false).
 */
async function createAndAwaitLeaders(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  const names = topics.map((t) => t.topic).join(', ');
  await retryUntil(`creating ${names}`, () => admin.createTopics({ waitForLeaders: true, topics }));
  for (const t of topics) await retryUntil(`waiting for leaders of ${t.topic}`, () => admin.fetchTopicOffsets(t.topic));
}
