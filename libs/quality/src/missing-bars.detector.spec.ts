import { holidays, tradingDay } from '@md/market';
import { MissingBarsDetector } from './missing-bars.detector';
import { dbbBars, dbbDays, feed, localDate, localTime, testBar } from './test-bars.fixture';

const DBB = { symbol: 'DBB', timeframe: '1m' } as const;
const THIN_ETF = { quietGapMinutes: 30 }; // DBB has 537 regular-session runs of more than 30 empty minutes in 501 days, 56 of more than 60

describe('missing bars on the real DBB file', () => {
  const detector = new MissingBarsDetector(DBB, THIN_ETF);
  const issues = feed(detector, dbbBars());
  const reportedDays = [...new Set(issues.map((i) => localDate(i.windowStartUs)))];

  it('reports only trading days, never a holiday, weekend or special closure', () => {
    const closures = [2023, 2024, 2025].flatMap((y) => [...holidays(y).keys()]);
    expect(reportedDays.length).toBeGreaterThan(100);
    expect(reportedDays.filter((d) => !tradingDay(d).open || closures.includes(d))).toEqual([]);
  });

  it('keeps every finding inside its day regular session, so nothing after 13:00 on an early close', () => {
    for (const issue of issues) {
      const day = tradingDay(localDate(issue.windowStartUs));
      expect(localDate(issue.windowEndUs - 1)).toBe(day.date);
      expect(localTime(issue.windowStartUs) >= '09:30').toBe(true);
      expect(localTime(issue.windowEndUs) <= (day.earlyClose ? '13:00' : '16:00')).toBe(true);
    }
  });

  it.each(['2023-11-24', '2024-07-03', '2024-12-24'])('reports nothing after the 13:00 early close on %s', (date) => {
    const ends = issues.filter((i) => localDate(i.windowStartUs) === date).map((i) => localTime(i.windowEndUs));
    expect(ends.filter((end) => end > '13:00')).toEqual([]);
  });

  it.each(['2025-01-09', '2024-06-19'])('reports nothing on the closure %s', (date) => {
    expect(issues.filter((i) => localDate(i.windowStartUs) === date || localDate(i.windowEndUs) === date)).toEqual([]);
  });

  it('finds no whole missing session: the file covers every trading day', () => {
    expect(issues.filter((i) => i.type === 'missing_session')).toEqual([]);
  });

  it('scores an early-close day against 210 expected minutes', () => {
    const d = new MissingBarsDetector(DBB, THIN_ETF);
    feed(d, dbbDays('2024-07-01', '2024-07-05'));
    expect(d.completeness().find((c) => c.date === '2024-07-03')).toMatchObject({ expectedMinutes: 210, missingMinutes: 0, ratio: 1 });
  });
});

describe('planted gaps in real DBB days', () => {
  const DAY = '2024-05-03'; // 265 bars, no quiet run over 30 minutes

  it('reports a removed 45-minute block as one missing_bars issue covering it', () => {
    const bars = dbbDays('2024-05-02', '2024-05-06');
    const inBlock = (t: number) => localDate(t) === DAY && localTime(t) >= '11:00' && localTime(t) < '11:45';
    const untouched = feed(new MissingBarsDetector(DBB, THIN_ETF), bars).filter((i) => localDate(i.windowStartUs) === DAY);
    const detector = new MissingBarsDetector(DBB, THIN_ETF);
    const issues = feed(detector, bars.filter((b) => !inBlock(b.eventTime))).filter((i) => localDate(i.windowStartUs) === DAY);
    expect(untouched).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0].type).toBe('missing_bars');
    expect(localTime(issues[0].windowStartUs) <= '11:00' && localTime(issues[0].windowEndUs) >= '11:45').toBe(true);
    expect(issues[0].evidence.missingMinutes).toBeGreaterThanOrEqual(45);
    expect(detector.completeness().find((c) => c.date === DAY)!.missingMinutes).toBe(issues[0].evidence.missingMinutes);
  });

  it('reports a removed trading day once, as missing_session, when the next bar arrives', () => {
    const bars = dbbDays('2024-03-07', '2024-03-15').filter((b) => localDate(b.eventTime) !== '2024-03-12');
    const detector = new MissingBarsDetector(DBB, THIN_ETF);
    const sessions = feed(detector, bars).filter((i) => i.type === 'missing_session');
    expect(sessions.map((i) => i.evidence.firstDate)).toEqual(['2024-03-12']);
    expect(localTime(sessions[0].windowStartUs)).toBe('09:30');
    expect(detector.completeness().find((c) => c.date === '2024-03-12')).toMatchObject({ observedMinutes: 0, ratio: 0 });
  });
});

describe('missing bars by rule', () => {
  it('counts every missing minute when the deprecated quietGapMinutes is 0', () => {
    const issues = feed(new MissingBarsDetector(DBB, { quietGapMinutes: 0 }), ['13:30', '13:31', '13:35'].map((t) => testBar(`2024-05-03T${t}Z`)));
    expect(issues).toHaveLength(1);
    expect(localTime(issues[0].windowStartUs)).toBe('09:32');
    expect(issues[0].evidence).toMatchObject({ missingBars: 3, missingMinutes: 3 });
  });

  it('ignores pre-market quiet minutes unless extended hours are expected', () => {
    const bars = ['08:00', '09:00', '13:30'].map((t) => testBar(`2024-05-03T${t}Z`));
    expect(feed(new MissingBarsDetector(DBB), bars)).toEqual([]);
    const extended = feed(new MissingBarsDetector(DBB, { extendedHours: true, quietGapMinutes: 30 }), bars);
    expect(extended.map((i) => [localTime(i.windowStartUs), localTime(i.windowEndUs)])).toEqual([['04:01', '05:00'], ['05:01', '09:30']]);
  });

  it('sees no gap across an early close, a holiday and a weekend', () => {
    const bars = [testBar('2024-07-03T16:59Z'), testBar('2024-07-05T13:30Z')];
    expect(feed(new MissingBarsDetector(DBB), bars)).toEqual([]);
  });

  it('counts 5-minute bars as missing bars of that width', () => {
    const bars = ['13:30', '13:35', '13:50'].map((t) => testBar(`2024-05-03T${t}Z`, undefined, { timeframe: '5m' }));
    const issues = feed(new MissingBarsDetector({ symbol: 'DBB', timeframe: '5m' }, { quietGapMinutes: 0 }), bars);
    expect(issues.map((i) => [localTime(i.windowStartUs), i.evidence.missingBars])).toEqual([['09:40', 2]]);
  });

  it('reports missing daily bars as sessions, skipping the July 4 holiday and the weekend', () => {
    const bars = [testBar('2024-07-02T00:00Z'), testBar('2024-07-09T00:00Z')];
    const issues = feed(new MissingBarsDetector({ symbol: 'DBB', timeframe: '1d' }), bars);
    expect(issues.map((i) => i.evidence.firstDate)).toEqual(['2024-07-03', '2024-07-05', '2024-07-08']);
  });

  it('reports a pause longer than maxSessionIssuesPerGap as one issue', () => {
    const bars = [testBar('2024-01-02T15:00Z'), testBar('2024-06-03T15:00Z')];
    const issues = feed(new MissingBarsDetector(DBB), bars).filter((i) => i.type === 'missing_session');
    expect(issues).toHaveLength(1);
    expect(issues[0].evidence).toMatchObject({ firstDate: '2024-01-03', lastDate: '2024-05-31' });
  });

  it('counts observed minutes from the bars, so a thin day reads 61 / 390, not 390 / 390', () => {
    const d = new MissingBarsDetector(DBB);
    feed(d, dbbDays('2024-04-01', '2024-04-03'));
    const day = d.completeness().find((c) => c.date === '2024-04-02')!;
    const regular = dbbDays('2024-04-02').filter((b) => b.session === 'REGULAR').length;
    expect(day).toMatchObject({ expectedMinutes: 390, observedMinutes: regular });
    expect(regular).toBeLessThan(200);
    expect(day.ratio).toBe((390 - day.missingMinutes) / 390);
  });

  it('learns a thin profile: DBB quiet runs on 2024-05-01 are normal after two months of DBB, not after two liquid days', () => {
    const day = dbbDays('2024-05-01');
    const thin = new MissingBarsDetector(DBB);
    feed(thin, dbbDays('2024-03-01', '2024-04-30'));
    expect(feed(thin, day)).toEqual([]);
    const liquid = new MissingBarsDetector(DBB);
    const everyMinute = (d: string) => Array.from({ length: 390 }, (_, m) => testBar(new Date(Date.parse(`${d}T13:30Z`) + m * 60_000).toISOString()));
    feed(liquid, ['2024-04-26', '2024-04-29', '2024-04-30'].flatMap(everyMinute));
    expect(feed(liquid, day).length).toBeGreaterThan(0);
  });

  it('restores a state checkpointed before the profile existed', () => {
    const legacy = { lastEventUs: Date.parse('2024-05-03T13:30Z') * 1000, day: { date: '2024-05-03', missingMinutes: 0, partial: false }, completed: [] };
    const d = MissingBarsDetector.fromJSON(DBB, legacy as never);
    expect(feed(d, [testBar('2024-05-03T15:30Z')])).toHaveLength(1); // the prior: two empty hours are improbable
    expect(d.toJSON().profile).toEqual({ traded: [], slots: [] });
  });

  it('does not judge a bar at or before the last one again', () => {
    const detector = new MissingBarsDetector(DBB);
    const bars = ['13:30', '14:30'].map((t) => testBar(`2024-05-03T${t}Z`));
    expect(feed(detector, bars)).toHaveLength(1);
    expect(feed(detector, bars)).toEqual([]);
  });
});
