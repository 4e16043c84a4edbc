import type { Admin } from 'kafkajs';
import { partitionRanges } from '../kafka-admin';
import type { PartitionRange } from '../offset-plan';
import type { StageGroup } from '../stages';
import { OperationError } from '../usage-error';
import type { GroupOffset } from './backup-manifest';

/** The groups' committed offsets on their topics that exist (-1 where a group has none). */
export async function committedOffsets(admin: Admin, groups: readonly StageGroup[]): Promise<GroupOffset[]> {
  const known = new Set(await admin.listTopics());
  const out: GroupOffset[] = [];
  for (const g of groups) {
    const topics = g.topics.filter((t) => known.has(t));
    if (!topics.length) continue;
    for (const entry of await admin.fetchOffsets({ groupId: g.groupId, topics })) {
      for (const p of entry.partitions) out.push({ groupId: g.groupId, topic: entry.topic, partition: p.partition, offset: p.offset });
    }
  }
  return out;
}

/** Log start and end of each partition of the `topics` that exist; a missing topic is absent from the map. */
export async function topicRanges(admin: Admin, topics: Iterable<string>): Promise<Map<string, PartitionRange[]>> {
  const known = new Set(await admin.listTopics());
  const ranges = new Map<string, PartitionRange[]>();
  for (const topic of new Set(topics)) {
    if (known.has(topic)) ranges.set(topic, (await partitionRanges(admin, topic)).sort((a, b) => a.partition - b.partition));
  }
  return ranges;
}

/**
 * A running writer would store records past the restored offsets and commit its own position
 * over ours: a restore needs every writer group Empty (as kafka-consumer-groups --reset-offsets does).
 */
export async function assertWriterStopped(admin: Admin, groupIds: readonly string[]): Promise<void> {
  if (!groupIds.length) return;
  const { groups } = await admin.describeGroups([...groupIds]);
  const active = groups.find((g) => g.members.length > 0);
  if (active) {
    throw new OperationError(`consumer group ${active.groupId} is active (${active.state}, ${active.members.length} member(s)): stop the timescale-writer (scale it to 0), `
      + `wait for the group to be Empty (\`mdctl lag --group ${active.groupId}\`), then run the restore again`);
  }
}
