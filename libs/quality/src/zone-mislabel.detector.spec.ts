import { DateTime } from 'luxon';
import { ZoneMislabelDetector } from './zone-mislabel.detector';
import { dbbBars, dbbDays, feed, testBar } from './test-bars.fixture';

const DBB = { symbol: 'DBB', timeframe: '1m' } as const;
const NEW_YORK = 'America/New_York'; // the mistake: the file's UTC wall clock declared as New York time

/** Hours New York is behind UTC on a date: what a UTC file read as New York time is shifted by. */
const hoursBehindUtc = (date: string) => -DateTime.fromISO(`${date}T12:00`, { zone: NEW_YORK }).offset / 60;

describe('zone mislabelling on the real DBB file', () => {
  it('finds nothing in the correctly labelled file', () => {
    expect(feed(new ZoneMislabelDetector(DBB), dbbBars())).toEqual([]);
  });

  it('reports every day of the file read in the wrong zone once, shifted by 4 hours in summer and 5 in winter', () => {
    const issues = feed(new ZoneMislabelDetector(DBB), dbbBars(NEW_YORK));
    const dates = issues.map((i) => i.evidence.date as string);
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates.length).toBeGreaterThan(490); // 497 of 501 days: the last is judged only when a later bar arrives
    for (const issue of issues) expect(issue.evidence.offsetHours).toBe(hoursBehindUtc(issue.evidence.date as string));
  });

  it('reports one relabelled summer day with the open seen at 13:30', () => {
    const issues = feed(new ZoneMislabelDetector(DBB), dbbDays('2024-05-03', '2024-05-06', NEW_YORK)).filter((i) => i.evidence.date === '2024-05-03');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ type: 'zone_mislabel', severity: 'critical', evidence: { expectedOpenLocal: '09:30', observedJumpLocal: '13:30', offsetHours: 4 } });
  });

  it('reports one relabelled winter day with the open seen at 14:30, and not the same day labelled right', () => {
    const wrong = feed(new ZoneMislabelDetector(DBB), dbbDays('2024-01-09', '2024-01-10', NEW_YORK));
    expect(wrong.map((i) => [i.evidence.date, i.evidence.observedJumpLocal, i.evidence.offsetHours])).toEqual([['2024-01-09', '14:30', 5]]);
    expect(feed(new ZoneMislabelDetector(DBB), dbbDays('2024-01-09', '2024-01-10'))).toEqual([]);
  });
});

describe('zone mislabelling by rule', () => {
  const shiftedDay = Array.from({ length: 30 }, (_, i) => testBar(new Date(Date.parse('2024-05-03T17:30Z') + i * 600_000).toISOString()));
  const nextDay = testBar('2024-05-06T13:30Z');

  it('needs minBars bars before it judges a day', () => {
    expect(feed(new ZoneMislabelDetector(DBB), [...shiftedDay, nextDay])).toHaveLength(1);
    expect(feed(new ZoneMislabelDetector(DBB, { minBars: 31 }), [...shiftedDay, nextDay])).toEqual([]);
  });

  it('does not judge hourly or daily bars', () => {
    const hourly = [...shiftedDay, nextDay].map((b) => ({ ...b, timeframe: '1h' as const }));
    expect(feed(new ZoneMislabelDetector({ symbol: 'DBB', timeframe: '1h' }), hourly)).toEqual([]);
  });
});
