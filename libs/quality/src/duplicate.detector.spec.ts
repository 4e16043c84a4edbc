import { DuplicateDetector } from './duplicate.detector';
import { dbbDays, feed, testBar } from './test-bars.fixture';

const DBB = { symbol: 'DBB', timeframe: '1m' } as const;

describe('duplicates on a real DBB day', () => {
  const bars = dbbDays('2024-05-03');
  const at = 120;

  it('reports a duplicated row exactly once', () => {
    const detector = new DuplicateDetector(DBB);
    const issues = feed(detector, [...bars.slice(0, at + 1), bars[at], ...bars.slice(at + 1)]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ type: 'duplicate', severity: 'info', windowStartUs: bars[at].eventTime, evidence: { identicalContent: true } });
  });

  it('reports a row seen three times once, and counts both repeats', () => {
    const detector = new DuplicateDetector(DBB);
    expect(feed(detector, [...bars, bars[at], bars[at]])).toHaveLength(1);
    expect(detector.counts()).toMatchObject({ duplicates: 2, corrections: 0 });
  });

  it('finds nothing in the unmodified day', () => {
    expect(feed(new DuplicateDetector(DBB), bars)).toEqual([]);
  });
});

describe('duplicates by rule', () => {
  const bar = testBar('2024-05-03T14:00Z', '20.00000000');

  it('counts a higher revision as a correction, not a duplicate', () => {
    const detector = new DuplicateDetector(DBB);
    expect(feed(detector, [bar, { ...bar, close: '20.01000000', high: '20.01000000', revision: 1 }])).toEqual([]);
    expect(detector.counts()).toMatchObject({ duplicates: 0, corrections: 1 });
  });

  it('counts an older revision arriving after a newer one as stale', () => {
    const detector = new DuplicateDetector(DBB);
    expect(feed(detector, [{ ...bar, revision: 2 }, bar])).toEqual([]);
    expect(detector.counts().staleRevisions).toBe(1);
  });

  it('warns about different content at the same revision', () => {
    const issues = feed(new DuplicateDetector(DBB), [bar, { ...bar, volume: 999 }]);
    expect(issues.map((i) => [i.severity, i.evidence.identicalContent])).toEqual([['warning', false]]);
  });

  it('tells providers apart', () => {
    expect(feed(new DuplicateDetector(DBB), [bar, { ...bar, provider: 'alpaca' }])).toEqual([]);
  });

  it('forgets keys beyond its horizon', () => {
    const detector = new DuplicateDetector(DBB, { horizonBars: 100 });
    feed(detector, dbbDays('2024-04-22', '2024-05-03'));
    const seen = detector.toJSON().seen;
    expect(seen.length).toBeLessThanOrEqual(101);
    expect(seen[seen.length - 1][0] - seen[0][0]).toBeLessThanOrEqual(100 * 60_000_000);
  });
});
