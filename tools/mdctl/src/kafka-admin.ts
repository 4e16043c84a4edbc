import { Kafka, logLevel, type Admin, type SASLOptions } from 'kafkajs';
import type { KafkaConnection } from '@md/config';
import { commitGroupOffsets, type TopicOffsets } from '@md/kafka';
import { lagRows, type LagRow, type PartitionRange } from './offset-plan';
import { OperationError } from './usage-error';

// The CLI's Kafka access. A short retry budget (unlike the services' createKafka): an operator
// waiting on a dead broker wants the answer in seconds, not after eight backoffs.
export function cliKafka({ brokers, ssl, sasl }: KafkaConnection): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka({
    clientId: 'mdctl', brokers, ssl, sasl: sasl as SASLOptions | undefined,
    logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { initialRetryTime: 200, retries: 2 },
  });
}

/** Runs `work` with a connected admin; an unreachable broker becomes one clear OperationError. */
export async function withAdmin<T>(kafka: Kafka, brokers: string[], work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new OperationError(`cannot reach the Kafka broker at ${brokers.join(',')} (${(err as Error).message}): start the local stack with \`mdctl stack up\`, or point --brokers / KAFKA_BROKERS at your cluster`, err);
  }
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Offsets may only be moved while no consumer holds the group: a member would overwrite them
 * with its own position at its next commit (kafka-consumer-groups --reset-offsets refuses the
 * same way). Empty and Dead (never used) groups pass.
 */
export async function assertGroupInactive(admin: Admin, groupId: string): Promise<void> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups.find((g) => g.groupId === groupId);
  if (group && group.members.length > 0) {
    throw new OperationError(`consumer group ${groupId} is active (${group.state}, ${group.members.length} member(s): ${group.members.map((m) => m.clientHost + '/' + m.clientId).slice(0, 3).join(', ')}): stop or scale the stage to 0, wait for the group to be Empty (\`mdctl lag --group ${groupId}\`), then retry`);
  }
}

export async function partitionRanges(admin: Admin, topic: string): Promise<PartitionRange[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
}

/** Per partition, the first offset whose record timestamp is at or after `ms` (the end when none is). */
export async function offsetsAtTime(admin: Admin, topic: string, ms: number): Promise<Array<{ partition: number; offset: string }>> {
  const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, ms);
  return offsets.map((o) => ({ partition: o.partition, offset: String(o.offset) })).sort((a, b) => a.partition - b.partition);
}

export type { TopicOffsets } from '@md/kafka';

/** Commits a group's offsets (one transaction, see @md/kafka commitGroupOffsets) under an id unique to this CLI run. */
export function commitOffsetsOf(kafka: Kafka, groupId: string, entries: TopicOffsets[]): Promise<void> {
  return commitGroupOffsets(kafka, groupId, entries, `mdctl-offsets-${groupId}`);
}

/** Lag of `groupId` per partition, on `topics` or on every topic it has committed offsets on. */
export async function groupLag(admin: Admin, groupId: string, topics?: string[]): Promise<LagRow[]> {
  const committed = topics ? await admin.fetchOffsets({ groupId, topics }) : await admin.fetchOffsets({ groupId });
  const rows: LagRow[] = [];
  for (const entry of committed) {
    if (!topics && !entry.partitions.some((p) => BigInt(p.offset) >= 0n)) continue;
    const ends = new Map((await admin.fetchTopicOffsets(entry.topic)).map((o) => [o.partition, BigInt(o.high)]));
    rows.push(...lagRows(groupId, entry.topic, ends, new Map(entry.partitions.map((p) => [p.partition, BigInt(p.offset)]))));
  }
  return rows;
}
