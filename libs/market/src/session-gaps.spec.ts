import { readFileSync } from 'node:fs';
import { holidays, tradingDay } from './exchange-calendar';
import { missingSessions, newYorkDate } from './session-gaps';
import { parseTimestamp } from './time';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Real data: the DBB minute file (naive UTC), see fixtures/README.md.
const DBB = fixturePath(DBB_MINUTE_FILE);

describe('missing sessions', () => {
  const times = readFileSync(DBB, 'utf8').trim().split('\n').slice(1).map((l) => parseTimestamp(l.slice(0, 19), 'UTC'));

  it('reports no holiday, weekend or special closure in the real DBB series', () => {
    const missing = missingSessions(times, '2023-07-10', '2025-07-08');
    for (const date of missing) expect(tradingDay(date).open).toBe(true);
    const closures = [...holidays(2024).keys(), ...holidays(2025).keys()];
    expect(missing.filter((d) => closures.includes(d))).toEqual([]);
  });

  it('reports a planted missing session exactly once', () => {
    const day = '2024-03-12';
    const without = times.filter((t) => new Date(t / 1000).toISOString().slice(0, 10) !== day);
    const before = missingSessions(times, '2024-03-01', '2024-03-31');
    const after = missingSessions(without, '2024-03-01', '2024-03-31');
    expect(after.filter((d) => !before.includes(d))).toEqual([day]);
  });
});

describe('newYorkDate', () => {
  const us = (iso: string) => Date.parse(iso) * 1000;
  it.each([
    ['2024-03-10T04:59:59.999Z', '2024-03-09'], // 23:59:59 EST
    ['2024-03-10T05:00:00.000Z', '2024-03-10'], // midnight EST, the day clocks spring forward
    ['2024-07-04T03:59:00.000Z', '2024-07-03'], // 23:59 EDT
    ['2024-07-04T04:00:00.000Z', '2024-07-04'],
    ['2024-11-03T04:00:00.000Z', '2024-11-03'], // midnight EDT, the day clocks fall back
    ['2024-11-04T04:59:00.000Z', '2024-11-03'], // 23:59 EST
  ])('%s is %s in New York, in any order of calls', (iso, date) => {
    expect(newYorkDate(us('2030-01-01T00:00:00Z'))).toBe('2029-12-31');
    expect(newYorkDate(us(iso))).toBe(date);
  });
});
