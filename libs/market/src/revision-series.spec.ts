import fc from 'fast-check';
import { InvalidRecordError } from '@md/contracts';
import type { RevisionDecision, RevisionKeyed } from './revision-log';
import { horizonFirstDate, tradingDayHorizon } from './revision-horizon';
import { packEntries, unpackEntries } from './revision-packing';
import { RevisionSeries, barContent, type RevisionSeriesOptions } from './revision-series';

const MINUTE = 60_000_000;
const T0 = Date.parse('2024-07-01T13:30:00Z') * 1000; // Monday 09:30 New York
const bar = (minute: number, revision = 0, close = '20.66000000'): RevisionKeyed => ({
  symbol: 'DBB', timeframe: '1m', eventTime: T0 + minute * MINUTE, revision,
  open: '20.66000000', high: '20.70000000', low: '20.60000000', close, volume: 3569, tradeCount: 12, vwap: null,
});
const forever: RevisionSeriesOptions = { maxEntries: 1_000_000, horizonStart: () => Number.MIN_SAFE_INTEGER };
const series = (o: Partial<RevisionSeriesOptions> = {}) => new RevisionSeries('DBB', '1m', { ...forever, ...o });

/** The revision rules with nothing forgotten, by a map: what RevisionSeries must agree with. */
function referenceDecisions(bars: readonly RevisionKeyed[]): RevisionDecision[] {
  const seen = new Map<number, { revision: number; content: string }>();
  return bars.map((b) => {
    const prior = seen.get(b.eventTime);
    if (!prior || b.revision > prior.revision) {
      seen.set(b.eventTime, { revision: b.revision, content: barContent(b) });
      return prior ? (prior.content === barContent(b) ? 'duplicate' : 'revision') : 'new';
    }
    if (b.revision < prior.revision) return 'stale';
    return prior.content === barContent(b) ? 'duplicate' : 'conflict';
  });
}

const bars = fc.array(
  fc.record({ minute: fc.integer({ min: 0, max: 40 }), revision: fc.integer({ min: 0, max: 2 }), close: fc.constantFrom('20.66', '20.67000000', '20.68') }).map((b) => bar(b.minute, b.revision, b.close)),
  { maxLength: 200 },
);

describe('revision series', () => {
  it('decides as the revision rules say, bar for bar, when nothing is forgotten', () => {
    fc.assert(fc.property(bars, (input) => {
      const s = series();
      expect(input.map((b) => s.decide(b))).toEqual(referenceDecisions(input));
    }));
  });

  it('decides the same after any changelog round trip, and restores to the same state', () => {
    fc.assert(fc.property(bars, bars, fc.integer({ min: 1, max: 30 }), (before, after, maxEntries) => {
      const options = { maxEntries, horizonStart: (newest: number) => newest - 20 * MINUTE };
      const live = series(options);
      before.forEach((b) => live.decide(b));
      const restored = RevisionSeries.fromJSON(JSON.parse(JSON.stringify(live)), options);
      expect(restored.toJSON()).toEqual(live.toJSON());
      expect(after.map((b) => restored.decide(b))).toEqual(after.map((b) => live.decide(b)));
    }));
  });

  it('never holds more than maxEntries nor anything before the horizon, and counts every entry it forgets', () => {
    fc.assert(fc.property(bars, fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 30 }), (input, maxEntries, horizonMinutes) => {
      const s = series({ maxEntries, horizonStart: (newest) => newest - horizonMinutes * MINUTE });
      const inserted = input.filter((b) => s.decide(b) === 'new').length;
      expect(s.size).toBeLessThanOrEqual(maxEntries);
      expect(inserted - s.size).toBe(s.evicted.horizon + s.evicted.cap);
      const newest = Math.max(...input.map((b) => b.eventTime));
      if (s.size) expect(s.horizon).toBeGreaterThanOrEqual(newest - horizonMinutes * MINUTE);
    }));
  });

  it('passes a repeat older than the horizon on as late, and keeps the rules inside it', () => {
    const s = series({ horizonStart: (newest) => newest - 10 * MINUTE });
    for (let m = 0; m <= 30; m++) s.decide(bar(m));
    expect(s.decide(bar(5))).toBe('late');
    expect(s.decide(bar(5, 0, '1.00000000'))).toBe('late');
    expect(s.decide(bar(25))).toBe('duplicate');
    expect(s.decide(bar(25, 0, '1.00000000'))).toBe('conflict');
    expect(s.decide(bar(25, 1, '1.00000000'))).toBe('revision');
    expect(s.decide(bar(25, 0))).toBe('stale');
    expect(s.evicted).toEqual({ horizon: 20, cap: 0 });
  });

  it('forgets the oldest past maxEntries, counted as cap evictions, and reads their repeats as late', () => {
    const s = series({ maxEntries: 3 });
    for (let m = 0; m < 10; m++) s.decide(bar(m));
    expect([s.size, s.evicted]).toEqual([3, { horizon: 0, cap: 7 }]);
    expect(s.decide(bar(6))).toBe('late');
    expect(s.decide(bar(7))).toBe('duplicate');
  });

  it('remembers five trading days of minute bars in a changelog value of a few kilobytes a day', () => {
    const s = series({ maxEntries: 10_080, horizonStart: tradingDayHorizon(5) });
    const day = (d: number) => Array.from({ length: 390 }, (_, m) => bar(d * 1440 + m)); // Mon 07-01 .. Mon 07-08
    const days = [0, 1, 2, 4, 7].map(day); // Jul 4 (a Thursday) is a holiday, Jul 6 and 7 a weekend
    for (const d of days) for (const b of d) expect(s.decide(b)).toBe('new');
    const json = JSON.stringify(s);
    process.stdout.write(`5 trading days x 390 minute bars: ${s.size} entries, changelog value ${json.length} bytes (${(json.length / s.size).toFixed(1)} per entry)\n`);
    expect(s.size).toBe(5 * 390);
    expect(json.length).toBeLessThan(5 * 390 * 12);
    for (const d of days) for (const b of d) expect(s.decide(b)).toBe('duplicate');
    for (const b of day(8)) s.decide(b); // Tuesday 07-09: Monday 07-01 leaves the window
    expect([s.decide(bar(0)), s.decide(bar(1440))]).toEqual(['late', 'duplicate']);
    expect(s.evicted.horizon).toBe(390);
  });

  it('reads the version-1 state the preprocessor kept before, with the same decisions', () => {
    const v1 = { version: 1, series: [{ symbol: 'DBB', timeframe: '1m', forgottenBefore: T0, bars: [[T0 + MINUTE, 1, barContent(bar(1, 1))], [T0, 0, barContent(bar(0))]] }] };
    const s = RevisionSeries.fromJSON(v1, forever);
    expect([s.decide(bar(0)), s.decide(bar(1, 1)), s.decide(bar(1, 0)), s.decide(bar(0, 0, '1')), s.decide(bar(-1))]).toEqual(['duplicate', 'duplicate', 'stale', 'conflict', 'late']);
    expect(() => RevisionSeries.fromJSON({ version: 3 }, forever)).toThrow(InvalidRecordError);
    expect(() => RevisionSeries.fromJSON({ ...s.toJSON(), count: s.size + 1 }, forever)).toThrow(/truncated/);
  });
});

describe('revision packing', () => {
  it('round-trips sorted times, any revision and 48-bit hashes', () => {
    const entries = fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 50 }), { maxLength: 100 }).chain((times) => fc.tuple(
      fc.constant([...times].sort((a, b) => a - b)),
      fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: times.length, maxLength: times.length }),
      fc.array(fc.integer({ min: 0, max: 2 ** 48 - 1 }), { minLength: times.length, maxLength: times.length }),
    ));
    fc.assert(fc.property(entries, ([times, revisions, hashes]) => {
      expect(unpackEntries(packEntries(times, revisions, hashes))).toEqual({ times, revisions, hashes });
    }));
  });
});

describe('trading-day horizon', () => {
  it('counts NYSE trading days back from the newest bar, skipping weekends and holidays', () => {
    expect(horizonFirstDate('2024-07-08', 5)).toBe('2024-07-01'); // Jul 4 closed
    expect(horizonFirstDate('2024-07-06', 1)).toBe('2024-07-05'); // a Saturday counts no day but stays in the window
    expect(horizonFirstDate('2024-07-05', 1)).toBe('2024-07-05');
    expect(tradingDayHorizon(5)(Date.parse('2024-07-08T19:59:00Z') * 1000)).toBe(Date.parse('2024-07-01T04:00:00Z') * 1000);
    expect(() => tradingDayHorizon(0)).toThrow(RangeError);
  });
});
