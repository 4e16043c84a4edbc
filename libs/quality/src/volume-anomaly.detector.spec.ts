import { issueKey } from './quality-issue';
import { VolumeAnomalyDetector } from './volume-anomaly.detector';
import { dbbDays, feed, localDate, localTime, testBar } from './test-bars.fixture';

const DBB = { symbol: 'DBB', timeframe: '1m' } as const;
const THIN_ETF = { multiple: 50 }; // DBB's 15-minute buckets exceed 10x their median on 8% of days: block prints

describe('volume anomalies on real DBB days', () => {
  const bars = dbbDays('2024-03-01', '2024-05-03');
  const target = bars.findIndex((b) => localDate(b.eventTime) === '2024-05-03' && localTime(b.eventTime) === '11:02');

  it('flags a planted 1000x volume once, in its 15-minute bucket, with the bucket median', () => {
    const untouched = feed(new VolumeAnomalyDetector(DBB, THIN_ETF), bars);
    const planted = bars.map((b, i) => (i === target ? { ...b, volume: b.volume * 1000 } : b));
    const known = new Set(untouched.map(issueKey));
    const added = feed(new VolumeAnomalyDetector(DBB, THIN_ETF), planted).filter((i) => !known.has(issueKey(i)));
    expect(target).toBeGreaterThan(0);
    expect(added).toHaveLength(1);
    expect(localTime(added[0].windowStartUs)).toBe('11:00');
    expect(added[0].evidence).toMatchObject({ bucket: '11:00', bucketMinutes: 15, sessions: 20 });
    expect(added[0].evidence.volume as number).toBeGreaterThan(50 * (added[0].evidence.median as number));
  });

  it('flags the same planted volume with the default robust rule, with its robust z', () => {
    const planted = bars.map((b, i) => (i === target ? { ...b, volume: b.volume * 1000 } : b));
    const known = new Set(feed(new VolumeAnomalyDetector(DBB), bars).map(issueKey));
    const added = feed(new VolumeAnomalyDetector(DBB), planted).filter((i) => !known.has(issueKey(i)));
    expect(added).toHaveLength(1);
    expect(added[0].evidence).toMatchObject({ bucket: '11:00', sigmas: 3.6 });
    expect(added[0].evidence.robustZ as number).toBeGreaterThan(3.6);
  });

  it('judges nothing before the profile has minSessions sessions', () => {
    expect(feed(new VolumeAnomalyDetector(DBB, { multiple: 2 }), dbbDays('2024-03-01', '2024-03-14'))).toEqual([]);
  });
});

describe('volume anomalies by rule', () => {
  const days = ['2024-04-01', '2024-04-02', '2024-04-03', '2024-04-04', '2024-04-05', '2024-04-08'];

  it('does not flag a bucket a little above a steady profile: the log scale has a floor', () => {
    const profile = days.map((d) => testBar(`${d}T13:30Z`, undefined, { volume: 1000 }));
    const detector = new VolumeAnomalyDetector(DBB, { minSessions: 5 });
    feed(detector, profile);
    expect(feed(detector, [testBar('2024-04-09T13:30Z', undefined, { volume: 1800 })])).toEqual([]);
    expect(feed(detector, [testBar('2024-04-10T13:30Z', undefined, { volume: 2200 })])).toHaveLength(1);
  });

  it('does not judge a bucket that is usually empty', () => {
    const profile = days.map((d) => testBar(`${d}T13:30Z`, undefined, { volume: 1000 }));
    const late = testBar('2024-04-09T19:00Z', undefined, { volume: 1_000_000 });
    expect(feed(new VolumeAnomalyDetector(DBB, { minSessions: 5 }), [...profile, late])).toEqual([]);
  });

  it('ignores pre- and post-market volume', () => {
    const profile = days.map((d) => testBar(`${d}T13:30Z`, undefined, { volume: 1000 }));
    const post = testBar('2024-04-09T20:30Z', undefined, { volume: 1_000_000 });
    expect(feed(new VolumeAnomalyDetector(DBB, { minSessions: 5 }), [...profile, post])).toEqual([]);
  });

  it('compares a daily bar with recent sessions', () => {
    const daily = days.map((d) => testBar(`${d}T04:00Z`, undefined, { timeframe: '1d', volume: 1000 }));
    const big = testBar('2024-04-09T04:00Z', undefined, { timeframe: '1d', volume: 20_000 });
    const issues = feed(new VolumeAnomalyDetector({ symbol: 'DBB', timeframe: '1d' }, { minSessions: 5 }), [...daily, big]);
    expect(issues.map((i) => [localDate(i.windowStartUs), i.evidence.bucket, i.evidence.median])).toEqual([['2024-04-09', 'session', 1000]]);
  });
});
