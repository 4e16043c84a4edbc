import { ConfigError } from '@md/config';
import { nextRun, parseSchedule } from './job-schedule';

const at = (iso: string) => Date.parse(iso);
const next = (text: string, after: string) => new Date(nextRun(parseSchedule(text, 'S'), at(after))).toISOString();

describe('parseSchedule', () => {
  it('reads daily times in a zone, sorted, and fixed periods', () => {
    expect(parseSchedule('daily@18:30,06:00 America/New_York', 'S')).toEqual({
      kind: 'daily', text: 'daily@18:30,06:00 America/New_York', zone: 'America/New_York', times: [{ hour: 6, minute: 0 }, { hour: 18, minute: 30 }],
    });
    expect(parseSchedule('every@15m', 'S')).toEqual({ kind: 'every', text: 'every@15m', periodMs: 900_000 });
  });

  it.each([
    ['daily@6:00 UTC', 'not a schedule'],
    ['daily@24:00 UTC', 'HH:MM'],
    ['daily@06:00 Mars/Olympus', 'unknown IANA zone'],
    ['every@0s', '1 s to 24 h'],
    ['every@25h', '1 s to 24 h'],
    ['0 6 * * *', 'not a schedule'],
  ])('rejects %s naming the variable', (text, why) => {
    expect(() => parseSchedule(text, 'SCHEDULE_X')).toThrow(ConfigError);
    expect(() => parseSchedule(text, 'SCHEDULE_X')).toThrow(new RegExp(`SCHEDULE_X=.*${why}`));
  });
});

describe('nextRun', () => {
  it('runs at 06:00 New York, EST in winter and EDT in summer', () => {
    expect(next('daily@06:00 America/New_York', '2025-01-15T12:00:00Z')).toBe('2025-01-16T11:00:00.000Z');
    expect(next('daily@06:00 America/New_York', '2025-07-15T09:00:00Z')).toBe('2025-07-15T10:00:00.000Z');
  });

  it('keeps 06:00 local across the spring-forward night (a 23 h day)', () => {
    // 2025-03-09: 02:00 EST jumps to 03:00 EDT.
    expect(next('daily@06:00 America/New_York', '2025-03-08T11:00:00Z')).toBe('2025-03-09T10:00:00.000Z');
  });

  it('keeps 06:00 local across the fall-back night (a 25 h day)', () => {
    // 2025-11-02: 02:00 EDT falls back to 01:00 EST.
    expect(next('daily@06:00 America/New_York', '2025-11-01T10:00:00Z')).toBe('2025-11-02T11:00:00.000Z');
  });

  it('runs a time the spring-forward gap skips once, just after the gap', () => {
    // 02:30 does not exist on 2025-03-09; luxon moves it forward an hour: 03:30 EDT.
    expect(next('daily@02:30 America/New_York', '2025-03-08T08:00:00Z')).toBe('2025-03-09T07:30:00.000Z');
    expect(next('daily@02:30 America/New_York', '2025-03-09T07:30:00Z')).toBe('2025-03-10T06:30:00.000Z');
  });

  it('runs a time the fall-back hour repeats once, at its first occurrence', () => {
    // 01:30 happens twice on 2025-11-02: 05:30Z (EDT) and 06:30Z (EST).
    expect(next('daily@01:30 America/New_York', '2025-11-01T06:00:00Z')).toBe('2025-11-02T05:30:00.000Z');
    expect(next('daily@01:30 America/New_York', '2025-11-02T05:30:00Z')).toBe('2025-11-03T06:30:00.000Z');
  });

  it('takes the next of several times the same day, then the first the next day', () => {
    expect(next('daily@06:00,18:00 UTC', '2025-01-15T07:00:00Z')).toBe('2025-01-15T18:00:00.000Z');
    expect(next('daily@06:00,18:00 UTC', '2025-01-15T18:00:00Z')).toBe('2025-01-16T06:00:00.000Z');
  });

  it('is strictly after the given instant', () => {
    expect(next('daily@06:00 UTC', '2025-01-15T06:00:00Z')).toBe('2025-01-16T06:00:00.000Z');
    expect(next('every@30s', '2025-01-15T06:00:00Z')).toBe('2025-01-15T06:00:30.000Z');
    expect(next('every@30s', '2025-01-15T06:00:29.999Z')).toBe('2025-01-15T06:00:30.000Z');
  });
});
