import { InvalidRecordError } from '@md/contracts';
import { RevisionLog, type RevisionKeyed, type RevisionLogOptions } from './revision-log';
import { barContent } from './revision-series';

const MINUTE = 60_000_000;
const T0 = Date.parse('2024-07-05T13:30:00Z') * 1000;
const bar = (minute: number, revision = 0, change: Partial<RevisionKeyed> = {}): RevisionKeyed => ({
  symbol: 'DBB', timeframe: '1m', eventTime: T0 + minute * MINUTE, revision,
  open: '20.66000000', high: '20.66000000', low: '20.65600000', close: '20.66000000', volume: 3569, tradeCount: 12, vwap: '20.65900000', ...change,
});
const options = (o: Partial<RevisionLogOptions> = {}): RevisionLogOptions => ({ maxBarsPerSeries: 100, horizonMicros: 60 * MINUTE, maxSeries: 10, ...o });

describe('revision log', () => {
  it('reads the same bar twice as one bar, also when a price is written differently', () => {
    const log = new RevisionLog(options());
    expect(log.decide(bar(0))).toBe('new');
    expect(log.decide(bar(0))).toBe('duplicate');
    expect(log.decide(bar(0, 0, { open: '20.66' }))).toBe('duplicate');
  });

  it('reports a different bar of the same revision as a conflict and keeps the first', () => {
    const log = new RevisionLog(options());
    log.decide(bar(0));
    for (const change of [{ close: '20.67000000' }, { volume: 1 }, { tradeCount: null }, { vwap: null }]) {
      expect(log.decide(bar(0, 0, change))).toBe('conflict');
    }
    expect(log.decide(bar(0))).toBe('duplicate');
  });

  it('lets a higher revision replace and drops a lower one as stale', () => {
    const log = new RevisionLog(options());
    log.decide(bar(0, 1));
    expect(log.decide(bar(0, 2, { close: '20.70000000' }))).toBe('revision');
    expect(log.decide(bar(0, 2, { close: '20.70000000' }))).toBe('duplicate');
    expect(log.decide(bar(0, 1))).toBe('stale');
    expect(log.decide(bar(0, 2))).toBe('conflict');
  });

  it('reads a higher revision with the same content (a settled REST re-fetch) as a duplicate that raises the revision', () => {
    const log = new RevisionLog(options());
    log.decide(bar(0));
    expect(log.decide(bar(0, 5))).toBe('duplicate');
    expect(log.decide(bar(0, 3, { close: '20.70000000' }))).toBe('stale');
    expect(log.decide(bar(0, 6, { close: '20.70000000' }))).toBe('revision');
  });

  it('keys by symbol, timeframe and time, not by provider', () => {
    const log = new RevisionLog(options());
    log.decide(bar(0));
    expect(log.decide({ ...bar(0), symbol: 'DBC' })).toBe('new');
    expect(log.decide({ ...bar(0), timeframe: '5m' })).toBe('new');
    expect(log.decide({ ...bar(0), provider: 'other' } as RevisionKeyed)).toBe('duplicate');
  });

  it('remembers at most maxBarsPerSeries keys and passes older late bars through as late', () => {
    const log = new RevisionLog(options({ maxBarsPerSeries: 3 }));
    for (let m = 0; m < 10; m++) log.decide(bar(m));
    expect(log.size).toBe(3);
    expect(log.decide(bar(6))).toBe('late');
    expect(log.decide(bar(7))).toBe('duplicate');
  });

  it('forgets keys further than the horizon behind the newest', () => {
    const log = new RevisionLog(options({ horizonMicros: 5 * MINUTE }));
    log.decide(bar(0));
    log.decide(bar(3));
    expect(log.decide(bar(0))).toBe('duplicate');
    log.decide(bar(10));
    expect(log.size).toBe(1);
    expect(log.decide(bar(3))).toBe('late');
    expect(log.decide(bar(5))).toBe('new');
    expect(log.decide(bar(4, 0, { close: '1.00000000' }))).toBe('late');
  });

  it('records a late-but-remembered gap minute as new', () => {
    const log = new RevisionLog(options());
    log.decide(bar(0));
    log.decide(bar(5));
    expect(log.decide(bar(2))).toBe('new');
    expect(log.decide(bar(2))).toBe('duplicate');
  });

  it('forgets the least recently seen series past maxSeries', () => {
    const log = new RevisionLog(options({ maxSeries: 2 }));
    log.decide({ ...bar(0), symbol: 'A' });
    log.decide({ ...bar(0), symbol: 'B' });
    log.decide({ ...bar(0), symbol: 'A' });
    log.decide({ ...bar(0), symbol: 'C' });
    expect(log.decide({ ...bar(0), symbol: 'A' })).toBe('duplicate');
    expect(log.decide({ ...bar(0), symbol: 'B' })).toBe('new');
  });

  it('survives a JSON round trip through a changelog with the same decisions', () => {
    const log = new RevisionLog(options({ maxBarsPerSeries: 3 }));
    for (let m = 0; m < 5; m++) log.decide(bar(m, 1));
    log.decide({ ...bar(0), symbol: 'DBC', timeframe: '5m' });
    const restored = RevisionLog.fromJSON(JSON.parse(JSON.stringify(log)), options({ maxBarsPerSeries: 3 }));
    expect(restored.toJSON()).toEqual(log.toJSON());
    for (const probe of [bar(1, 1), bar(3, 1), bar(4, 0), bar(4, 2), bar(9, 1), { ...bar(0), symbol: 'DBC', timeframe: '5m' as const }]) {
      expect(restored.decide(probe)).toBe(log.decide(probe));
    }
  });

  it('applies a lowered bound when restoring and refuses a state it does not know', () => {
    const log = new RevisionLog(options());
    for (let m = 0; m < 10; m++) log.decide(bar(m));
    const restored = RevisionLog.fromJSON(log.toJSON(), options({ maxBarsPerSeries: 2 }));
    expect(restored.size).toBe(2);
    expect(restored.decide(bar(7))).toBe('late');
    expect(() => RevisionLog.fromJSON({ version: 3 } as never)).toThrow(InvalidRecordError);
  });

  it('restores the version-1 checkpoint of before the packed form', () => {
    const v1 = { version: 1 as const, series: [{ symbol: 'DBB', timeframe: '1m', forgottenBefore: T0, bars: [[T0, 2, barContent(bar(0, 2))]] }] };
    const restored = RevisionLog.fromJSON(v1, options());
    expect([restored.decide(bar(0, 2)), restored.decide(bar(0, 1)), restored.decide(bar(-1))]).toEqual(['duplicate', 'stale', 'late']);
    expect(restored.toJSON().version).toBe(2);
  });
});
