import { clampOffsets, lagRows, noSkip, parseStartPosition } from './offset-plan';

describe('parseStartPosition', () => {
  it('reads ends, offsets and times', () => {
    expect(parseStartPosition('earliest')).toEqual({ kind: 'earliest' });
    expect(parseStartPosition('latest')).toEqual({ kind: 'latest' });
    expect(parseStartPosition('1200')).toEqual({ kind: 'offset', offset: 1200n });
    expect(parseStartPosition('2024-04-01T13:30:00Z')).toEqual({ kind: 'time', ms: Date.UTC(2024, 3, 1, 13, 30) });
  });

  it('refuses anything else, listing every accepted form', () => {
    expect(() => parseStartPosition('-5')).toThrow(/is not a time: .*; or give earliest, latest or a whole-number offset$/);
  });
});

describe('clampOffsets', () => {
  it('keeps an offset inside each partition and clamps it to the log start and end', () => {
    const ranges = [{ partition: 0, low: 0n, high: 50n }, { partition: 1, low: 20n, high: 90n }, { partition: 2, low: 0n, high: 5n }];
    expect(clampOffsets(ranges, 10n)).toEqual([{ partition: 0, offset: '10' }, { partition: 1, offset: '20' }, { partition: 2, offset: '5' }]);
  });
});

describe('lagRows', () => {
  it('is end minus committed per partition, none where nothing is committed', () => {
    const rows = lagRows('g', 't', new Map([[1, 10n], [0, 7n], [2, 3n]]), new Map([[0, 7n], [1, 4n], [2, -1n]]));
    expect(rows.map((r) => [r.partition, r.committed, r.lag])).toEqual([[0, 7n, 0n], [1, 4n, 6n], [2, null, null]]);
  });
});

describe('noSkip', () => {
  it('moves a group back to the target but never forward past records it has not read', () => {
    expect(noSkip('150', '400')).toBe('150');
    expect(noSkip('150', '100')).toBe('100');
    expect(noSkip('150', undefined)).toBe('150');
    expect(noSkip('150', '-1')).toBe('150');
  });
});
