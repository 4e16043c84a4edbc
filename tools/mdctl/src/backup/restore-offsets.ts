import type { PartitionRange } from '../offset-plan';
import type { BackupManifest, GroupOffset } from './backup-manifest';

// Where each writer group resumes after a restore, so that replaying Kafka from there recovers
// everything stored since the backup, once (the sinks' upserts make a record read twice harmless).
// Per partition, in order of authority:
//   1. the backup's sink_offsets row: the data holds the topic exactly up to it (one snapshot);
//   2. no row: nothing of the partition was stored before the backup, so the group's committed
//      offset read just before the snapshot (records before it were dead-lettered, or the group
//      was started past them), when the backup could read it;
//   3. neither: the log start, where the writer itself starts a group with no commit (fromBeginning).
// An offset outside what the log holds now is clamped into it and reported: below the start,
// retention deleted records the backup does not have (they are lost: restore a newer backup).

export type OffsetSource = 'backup' | 'committed before backup' | 'earliest';

export interface OffsetMove {
  groupId: string;
  topic: string;
  partition: number;
  offset: bigint;
  source: OffsetSource;
  /** Records the writer re-reads from `offset` to the log end as it is now. */
  replay: bigint;
}

export interface OffsetPlan {
  moves: OffsetMove[];
  /** One line each: topics missing from the broker, clamped offsets. */
  notes: string[];
  /** Every group the plan moves, checked for members before anything is touched. */
  groups: string[];
}

const key = (o: { groupId: string; topic: string; partition: number }) => `${o.groupId}\u0000${o.topic}\u0000${o.partition}`;

/** The writer's groups and their topics: those the backup names, and any other group with sink_offsets rows. */
export function restoreGroups(manifest: BackupManifest): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const add = (groupId: string, topic: string) => {
    const topics = groups.get(groupId) ?? [];
    if (!topics.includes(topic)) topics.push(topic);
    groups.set(groupId, topics);
  };
  for (const g of manifest.writerGroups) for (const t of g.topics) add(g.groupId, t);
  for (const o of manifest.sinkOffsets) add(o.groupId, o.topic);
  return groups;
}

/** `ranges`: each existing topic's partitions with their log start and end now; a topic missing from it does not exist. */
export function planRestoreOffsets(manifest: BackupManifest, ranges: ReadonlyMap<string, readonly PartitionRange[]>): OffsetPlan {
  const rows = new Map<string, GroupOffset>(manifest.sinkOffsets.map((o) => [key(o), o]));
  const before = new Map<string, GroupOffset>((manifest.committedBefore ?? []).map((o) => [key(o), o]));
  const plan: OffsetPlan = { moves: [], notes: [], groups: [] };
  for (const [groupId, topics] of restoreGroups(manifest)) {
    plan.groups.push(groupId);
    for (const topic of topics) {
      const partitions = ranges.get(topic);
      if (!partitions) {
        plan.notes.push(`topic ${topic} does not exist on the broker: ${groupId} has nothing to resume there`);
        continue;
      }
      for (const { partition, low, high } of partitions) {
        const at = { groupId, topic, partition };
        const row = rows.get(key(at));
        const committed = before.get(key(at));
        let offset = row ? BigInt(row.offset) : committed && BigInt(committed.offset) >= 0n ? BigInt(committed.offset) : low;
        const source: OffsetSource = row ? 'backup' : committed && BigInt(committed.offset) >= 0n ? 'committed before backup' : 'earliest';
        if (offset < low) {
          plan.notes.push(`${groupId} ${topic}[${partition}]: the backup resumes at ${offset} but the log now starts at ${low}: `
            + `records ${offset}..${low - 1n} were deleted by retention and are lost; restore a newer backup if they matter`);
          offset = low;
        } else if (offset > high) {
          plan.notes.push(`${groupId} ${topic}[${partition}]: the backup resumes at ${offset}, past the log end ${high} (was the topic recreated?): set to the end`);
          offset = high;
        }
        plan.moves.push({ ...at, offset, source, replay: high - offset });
      }
    }
  }
  return plan;
}

/** A group's moves as the offset commit takes them. */
export function commitEntries(plan: OffsetPlan, groupId: string): Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const m of plan.moves.filter((x) => x.groupId === groupId)) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), { partition: m.partition, offset: String(m.offset) }]);
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

/** One row per group and topic: a topic's partitions side by side, where the offsets came from, what the writer re-reads. */
export function offsetRows(plan: OffsetPlan): Array<[string, string, string, string, bigint]> {
  const byTopic = new Map<string, OffsetMove[]>();
  for (const m of plan.moves) byTopic.set(`${m.groupId} ${m.topic}`, [...(byTopic.get(`${m.groupId} ${m.topic}`) ?? []), m]);
  return [...byTopic.values()].map((moves) => [
    moves[0].groupId, moves[0].topic, moves.map((m) => `${m.partition}=${m.offset}`).join(' '),
    [...new Set(moves.map((m) => m.source))].join(', '), moves.reduce((n, m) => n + m.replay, 0n),
  ]);
}
