import type { KafkaMessage } from 'kafkajs';
import { CommittedPositions } from './committed-positions';

const at = (...offsets: number[]) => offsets.map((o) => ({ offset: String(o) }) as KafkaMessage);

describe('CommittedPositions', () => {
  it('hands everything on before this process committed anything (a rewound group is honoured)', () => {
    expect(new CommittedPositions().unprocessed('md.raw.bars.v1', 0, at(0, 1, 2))).toHaveLength(3);
  });

  it('drops what this process committed when a stale group offset hands it back', () => {
    const positions = new CommittedPositions();
    positions.committed('md.raw.bars.v1', 0, '100');
    expect(positions.unprocessed('md.raw.bars.v1', 0, at(98, 99, 100, 101)).map((m) => m.offset)).toEqual(['100', '101']);
    // Per topic and partition.
    expect(positions.unprocessed('md.raw.bars.v1', 1, at(5))).toHaveLength(1);
    expect(positions.unprocessed('md.corporate-actions.v1', 0, at(5))).toHaveLength(1);
  });
});

describe('CommittedPositions: the changelog a restore may read', () => {
  it('is stable once every partition this process committed to has its stable end past the commit', () => {
    const positions = new CommittedPositions();
    expect(positions.changelogStable(new Map())).toBe(true);
    positions.changelogCommitted(2, '40');
    positions.changelogCommitted(2, '12'); // an older commit never lowers the floor
    expect(positions.changelogStable(new Map([[2, '40']]))).toBe(false); // markers not written: LSO still at the commit
    expect(positions.changelogStable(new Map([[2, '43']]))).toBe(true);
    expect(positions.changelogStable(new Map([[1, '99']]))).toBe(false);
  });
});
