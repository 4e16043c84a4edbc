import { StalenessDetector, staleness } from './staleness.detector';

const DBB = { symbol: 'DBB', timeframe: '1m' } as const;
const us = (iso: string) => Date.parse(iso) * 1000;

describe('staleness', () => {
  it('reports silence longer than the threshold during the regular session', () => {
    const issue = staleness(us('2024-05-03T14:00Z'), us('2024-05-03T14:10Z'), 300, DBB);
    expect(issue).toMatchObject({ type: 'stale', windowStartUs: us('2024-05-03T14:00Z'), windowEndUs: us('2024-05-03T14:10Z'), evidence: { lagSeconds: 600 } });
  });

  it('accepts silence within the threshold', () => {
    expect(staleness(us('2024-05-03T14:00Z'), us('2024-05-03T14:04Z'), 300, DBB)).toBeNull();
  });

  it.each([
    ['before the open', '2024-05-03T13:00Z'],
    ['after the close', '2024-05-03T21:00Z'],
    ['on a weekend', '2024-05-04T15:00Z'],
    ['on Juneteenth', '2024-06-19T15:00Z'],
    ['on the special closure of 2025-01-09', '2025-01-09T16:00Z'],
    ['in an early-close afternoon', '2024-12-24T19:00Z'],
  ])('reports nothing %s', (_, now) => {
    expect(staleness(us('2024-05-01T14:00Z'), us(now), 300, DBB)).toBeNull();
  });

  it('measures from the open, not from the previous day close', () => {
    const lastBar = us('2024-05-02T19:59Z');
    expect(staleness(lastBar, us('2024-05-03T13:34Z'), 300, DBB)).toBeNull();
    expect(staleness(lastBar, us('2024-05-03T13:40Z'), 300, DBB)?.windowStartUs).toBe(us('2024-05-03T13:30Z'));
  });

  it('reports each silence once, however often it is checked', () => {
    const detector = new StalenessDetector(DBB, { thresholdSeconds: 300 });
    detector.observe({ eventTime: us('2024-05-03T14:00Z') });
    const checks = ['14:10', '14:11', '14:12'].map((t) => detector.check(us(`2024-05-03T${t}Z`)));
    expect(checks.map((c) => c.length)).toEqual([1, 0, 0]);
    const restored = StalenessDetector.fromJSON(DBB, JSON.parse(JSON.stringify(detector)), { thresholdSeconds: 300 });
    expect(restored.check(us('2024-05-03T14:13Z'))).toEqual([]);
    restored.observe({ eventTime: us('2024-05-03T14:20Z') });
    expect(restored.check(us('2024-05-03T14:30Z'))).toHaveLength(1);
  });
});
