import { latestPerKey, naturalKey } from './dedupe';

const bar = (minute: number, revision: number, generation = 0) => ({ symbol: 'DBB', timeframe: '1m', eventTimeMicros: minute * 60_000_000, revision, generation });

describe('latestPerKey', () => {
  it('passes each bar once at its latest version and drops duplicates and stale versions', () => {
    const seen = latestPerKey(naturalKey);
    const verdicts = [bar(1, 0), bar(1, 0), bar(2, 0), bar(1, 1), bar(1, 0), bar(1, 0, 1), bar(1, 5, 0)].map((b) => seen.accept(b));
    expect(verdicts).toEqual([true, false, true, true, false, true, false]);
    expect(seen.size).toBe(2);
  });

  it('keys by symbol and timeframe too', () => {
    const seen = latestPerKey(naturalKey);
    expect(seen.accept(bar(1, 0))).toBe(true);
    expect(seen.accept({ ...bar(1, 0), timeframe: '5m' })).toBe(true);
    expect(seen.accept({ ...bar(1, 0), symbol: 'SPY' })).toBe(true);
  });

  it('reads a Date start like its micros', () => {
    const seen = latestPerKey(naturalKey);
    expect(seen.accept({ symbol: 'DBB', timeframe: '1m', eventTime: new Date(60_000), revision: 0 })).toBe(true);
    expect(seen.accept({ symbol: 'DBB', timeframe: '1m', eventTimeMicros: 60_000_000, revision: 0 })).toBe(false);
  });

  it('forgets the oldest keys past maxKeys', () => {
    const seen = latestPerKey(naturalKey, 2);
    [bar(1, 0), bar(2, 0), bar(3, 0)].forEach((b) => seen.accept(b));
    expect(seen.size).toBe(2);
    expect(seen.accept(bar(1, 0))).toBe(true);
    expect(seen.accept(bar(3, 0))).toBe(false);
  });
});
