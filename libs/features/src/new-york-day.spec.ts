import { newYorkDay, sameOrNextDay } from './new-york-day';

const utc = (iso: string) => Date.parse(iso) * 1000;
const HOUR = 3_600_000_000;

describe('newYorkDay', () => {
  it('spans New York midnight to midnight, 23 hours on the spring DST change (2024-03-10)', () => {
    const day = newYorkDay(utc('2024-03-10T12:00:00Z'));
    expect(day.date).toBe('2024-03-10');
    expect(day.startUs).toBe(utc('2024-03-10T05:00:00Z'));
    expect(day.endUs - day.startUs).toBe(23 * HOUR);
    expect(day.openUs).toBe(0); // a Sunday
  });

  it('holds the regular session by the calendar: 09:30-16:00 EDT, 13:00 on an early close, none on a holiday', () => {
    expect(newYorkDay(utc('2024-07-02T15:00:00Z'))).toMatchObject({ openUs: utc('2024-07-02T13:30:00Z'), closeUs: utc('2024-07-02T20:00:00Z') });
    expect(newYorkDay(utc('2024-07-03T15:00:00Z'))).toMatchObject({ closeUs: utc('2024-07-03T17:00:00Z') });
    expect(newYorkDay(utc('2024-07-04T15:00:00Z'))).toMatchObject({ openUs: 0, closeUs: 0 });
  });

  it('falls back to the clock (weekdays 09:30-16:00) outside the calendar years', () => {
    expect(newYorkDay(utc('2040-01-03T15:00:00Z'))).toMatchObject({ date: '2040-01-03', openUs: utc('2040-01-03T14:30:00Z'), closeUs: utc('2040-01-03T21:00:00Z') });
  });

  it('reuses the last day while an instant stays inside it', () => {
    const day = newYorkDay(utc('2024-07-02T15:00:00Z'));
    expect(sameOrNextDay(day, utc('2024-07-03T03:59:00Z'))).toBe(day);
    expect(sameOrNextDay(day, utc('2024-07-03T04:00:00Z')).date).toBe('2024-07-03');
  });
});
