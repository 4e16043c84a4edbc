import type { PartitionRange } from '../offset-plan';
import { sampleManifest } from './backup-manifest.fixture';
import { commitEntries, offsetRows, planRestoreOffsets, restoreGroups } from './restore-offsets';

const range = (partition: number, low: number, high: number): PartitionRange => ({ partition, low: BigInt(low), high: BigInt(high) });
const W = 'md-timescale-writer';

describe('where the writer resumes after a restore', () => {
  const manifest = sampleManifest({
    sinkOffsets: [{ groupId: W, topic: 'md.bars.v1', partition: 0, offset: '120' }],
    committedBefore: [
      { groupId: W, topic: 'md.bars.v1', partition: 0, offset: '100' },
      { groupId: W, topic: 'md.bars.v1', partition: 1, offset: '40' },
      { groupId: W, topic: 'md.bars.v1', partition: 2, offset: '-1' },
    ],
    writerGroups: [{ variable: 'GROUP_ID', groupId: W, topics: ['md.bars.v1'] }],
  });

  it('takes the sink offset where the backup has one, else the offset committed before it, else the log start', () => {
    const plan = planRestoreOffsets(manifest, new Map([['md.bars.v1', [range(0, 0, 200), range(1, 10, 50), range(2, 5, 9)]]]));
    expect(plan.moves).toEqual([
      { groupId: W, topic: 'md.bars.v1', partition: 0, offset: 120n, source: 'backup', replay: 80n },
      { groupId: W, topic: 'md.bars.v1', partition: 1, offset: 40n, source: 'committed before backup', replay: 10n },
      { groupId: W, topic: 'md.bars.v1', partition: 2, offset: 5n, source: 'earliest', replay: 4n },
    ]);
    expect(plan.notes).toEqual([]);
    expect(commitEntries(plan, W)).toEqual([{ topic: 'md.bars.v1', partitions: [{ partition: 0, offset: '120' }, { partition: 1, offset: '40' }, { partition: 2, offset: '5' }] }]);
    expect(offsetRows(plan)).toEqual([[W, 'md.bars.v1', '0=120 1=40 2=5', 'backup, committed before backup, earliest', 94n]]);
  });

  it('says which records retention deleted when the backup resumes before the log start, and starts there', () => {
    const plan = planRestoreOffsets(manifest, new Map([['md.bars.v1', [range(0, 150, 200)]]]));
    expect(plan.moves[0]).toMatchObject({ offset: 150n, replay: 50n });
    expect(plan.notes).toEqual([`${W} md.bars.v1[0]: the backup resumes at 120 but the log now starts at 150: records 120..149 were deleted by retention and are lost; restore a newer backup if they matter`]);
  });

  it('sets an offset past the log end to the end, saying so', () => {
    const plan = planRestoreOffsets(manifest, new Map([['md.bars.v1', [range(0, 0, 100)]]]));
    expect(plan.moves[0]).toMatchObject({ offset: 100n, replay: 0n });
    expect(plan.notes[0]).toMatch(/resumes at 120, past the log end 100/);
  });

  it('moves the writer groups the backup names and any group with sink offsets, skipping topics the broker lacks', () => {
    const other = sampleManifest({
      sinkOffsets: [{ groupId: 'writer-old', topic: 'md.features.v1', partition: 0, offset: '3' }],
      writerGroups: [{ variable: 'RAW_GROUP_ID', groupId: 'raw', topics: ['md.raw.trades.v1', 'md.raw.quotes.v1'] }],
    });
    expect([...restoreGroups(other)]).toEqual([['raw', ['md.raw.trades.v1', 'md.raw.quotes.v1']], ['writer-old', ['md.features.v1']]]);
    const plan = planRestoreOffsets(other, new Map([['md.raw.trades.v1', [range(0, 0, 0)]], ['md.features.v1', [range(0, 0, 9)]]]));
    expect(plan.groups).toEqual(['raw', 'writer-old']);
    expect(plan.moves.map((m) => [m.groupId, m.topic, m.offset])).toEqual([['raw', 'md.raw.trades.v1', 0n], ['writer-old', 'md.features.v1', 3n]]);
    expect(plan.notes).toEqual(['topic md.raw.quotes.v1 does not exist on the broker: raw has nothing to resume there']);
  });
});
