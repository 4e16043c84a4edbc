import type { CleanBar } from '@md/contracts';
import { DuplicateDetector } from './duplicate.detector';
import { MissingBarsDetector } from './missing-bars.detector';
import { OhlcViolationDetector } from './ohlc-violation.detector';
import { PriceOutlierDetector } from './price-outlier.detector';
import { ProviderDisagreementDetector } from './provider-disagreement.detector';
import type { QualityIssue } from './quality-issue';
import { dbbDays, feed, localDate, localTime } from './test-bars.fixture';
import { VolumeAnomalyDetector } from './volume-anomaly.detector';
import { ZoneMislabelDetector } from './zone-mislabel.detector';

// The service checkpoints detector state with its offsets: a run interrupted at any bar and
// resumed from JSON must emit exactly what one uninterrupted run emits, and bars fed again
// after the restart must emit nothing new.
const DBB = { symbol: 'DBB', timeframe: '1m' } as const;
const DAY = '2024-05-03';

interface Detector {
  observe(bar: CleanBar): QualityIssue[];
  toJSON(): unknown;
}

const isDay = (b: CleanBar) => localDate(b.eventTime) === DAY;
/** Index of DAY's first bar at or after a New York time (the thin ETF has no bar in many minutes). */
const firstAt = (bars: CleanBar[], time: string) => bars.findIndex((b) => isDay(b) && localTime(b.eventTime) >= time);

/** Real DBB days with faults planted on DAY: a removed block, a price spike, a volume spike, a bad bar. */
function plantedDays(first: string, zone = 'UTC'): CleanBar[] {
  const bars = dbbDays(first, '2024-05-07', zone).filter((b) => !(isDay(b) && localTime(b.eventTime) >= '11:00' && localTime(b.eventTime) < '11:45'));
  const [spike, volume, bad] = ['13:00', '14:00', '15:00'].map((time) => firstAt(bars, time));
  return bars.map((b, i) => {
    if (i === spike) return { ...b, close: '30.00000000', high: '30.00000000' };
    if (i === volume) return { ...b, volume: b.volume * 1000 };
    return i === bad ? { ...b, high: b.low, low: b.high, open: b.high } : b;
  });
}

function withSecondProvider(bars: CleanBar[]): CleanBar[] {
  const off = firstAt(bars, '14:30');
  return bars.flatMap((b, i) => [b, { ...b, provider: 'alpaca', close: i === off ? (Number(b.close) * 1.01).toFixed(8) : b.close }]);
}

function withDuplicateRow(bars: CleanBar[]): CleanBar[] {
  const twice = firstAt(bars, '10:30');
  return bars.flatMap((b, i) => (i === twice ? [b, b] : [b]));
}

const cases: Array<[string, CleanBar[], (state?: any) => Detector]> = [
  ['missing bars', plantedDays('2024-04-29'), (s) => new MissingBarsDetector(DBB, { quietGapMinutes: 30 }, s)],
  ['missing bars, learned profile', plantedDays('2024-04-01'), (s) => new MissingBarsDetector(DBB, {}, s)],
  ['volume anomalies, robust rule', plantedDays('2024-03-01'), (s) => new VolumeAnomalyDetector(DBB, {}, s)],
  ['price outliers', plantedDays('2024-04-22'), (s) => new PriceOutlierDetector(DBB, {}, s)],
  ['volume anomalies', plantedDays('2024-03-01'), (s) => new VolumeAnomalyDetector(DBB, { multiple: 50 }, s)],
  ['zone mislabelling', plantedDays('2024-04-29', 'America/New_York'), (s) => new ZoneMislabelDetector(DBB, {}, s)],
  ['OHLC violations', plantedDays('2024-04-29'), (s) => new OhlcViolationDetector(DBB, s)],
  ['provider disagreement', withSecondProvider(plantedDays('2024-05-02')), (s) => new ProviderDisagreementDetector(DBB, {}, s)],
  ['duplicates', withDuplicateRow(plantedDays('2024-05-02')), (s) => new DuplicateDetector(DBB, {}, s)],
];

const restore = (detector: Detector, make: (state?: any) => Detector) => make(JSON.parse(JSON.stringify(detector.toJSON())));

describe.each(cases)('state round trip: %s', (_, bars, make) => {
  const whole = feed(make(), bars);
  const half = firstAt(bars, '12:45');

  it('emits from a restart at midday exactly what one uninterrupted run emits', () => {
    expect(whole.length).toBeGreaterThan(0);
    const first = make();
    const before = feed(first, bars.slice(0, half));
    const after = feed(restore(first, make), bars.slice(half));
    expect([...before, ...after]).toEqual(whole);
  });
});

describe.each(cases.filter(([name]) => name !== 'duplicates'))('replay after a restart: %s', (_, bars, make) => {
  it('emits nothing new when the last bar is fed again', () => {
    const detector = make();
    feed(detector, bars);
    expect(restore(detector, make).observe(bars[bars.length - 1])).toEqual([]);
  });

  it('emits nothing when the whole afternoon is fed again', () => {
    const detector = make();
    feed(detector, bars);
    expect(feed(restore(detector, make), bars.slice(firstAt(bars, '12:45')))).toEqual([]);
  });
});

describe('replay after a restart: duplicates', () => {
  it('reports a re-fed bar as a duplicate once: a re-delivery cannot be told from a re-send', () => {
    const bars = dbbDays(DAY);
    const detector = new DuplicateDetector(DBB);
    feed(detector, bars);
    const restored = restore(detector, (s) => new DuplicateDetector(DBB, {}, s));
    expect(feed(restored, [bars[10], bars[10]])).toHaveLength(1);
  });
});
