import { barDate, clockText, newYorkClock, sessionWindow, tradingDatesBetween } from './session-window';

const us = (iso: string) => Date.parse(iso) * 1000;

describe('New York session windows', () => {
  it('gives the regular session in UTC, in summer and in winter', () => {
    expect(sessionWindow('2024-05-03')).toMatchObject({ startUs: us('2024-05-03T13:30Z'), endUs: us('2024-05-03T20:00Z') });
    expect(sessionWindow('2024-01-05')).toMatchObject({ startUs: us('2024-01-05T14:30Z'), endUs: us('2024-01-05T21:00Z') });
  });

  it('ends an early-close session at 13:00 and its extended day at 17:00', () => {
    expect(sessionWindow('2024-12-24')!.endUs).toBe(us('2024-12-24T18:00Z'));
    expect(sessionWindow('2024-12-24', true)).toMatchObject({ startMinute: 240, endMinute: 1020 });
  });

  it('has no session on a holiday, a special closure or a weekend', () => {
    expect(['2024-06-19', '2025-01-09', '2024-05-04'].map((d) => sessionWindow(d))).toEqual([null, null, null]);
  });

  it('lists trading dates strictly between two dates, skipping weekends and holidays', () => {
    expect(tradingDatesBetween('2024-07-03', '2024-07-09')).toEqual(['2024-07-05', '2024-07-08']);
  });

  it('dates a daily bar labelled 00:00 UTC or at New York midnight on its trading day', () => {
    expect(barDate(us('2024-05-03T00:00Z'), '1d')).toBe('2024-05-03');
    expect(barDate(us('2024-05-03T04:00Z'), '1d')).toBe('2024-05-03');
    expect(barDate(us('2024-05-03T00:00Z'), '1m')).toBe('2024-05-02');
  });

  it('reads the New York wall clock', () => {
    expect(newYorkClock(us('2024-05-03T13:30Z'))).toEqual({ date: '2024-05-03', minute: 570 });
    expect(clockText(570)).toBe('09:30');
  });
});
