import { sessionAt, sessionByClock } from './session';
import { parseTimestamp } from './time';

const at = (iso: string) => sessionByClock(parseTimestamp(iso, undefined));

describe('session by the New York clock', () => {
  it('tags summer and winter opens alike despite the UTC shift', () => {
    expect(at('2023-07-10T13:30:00Z')).toBe('REGULAR');
    expect(at('2024-01-10T14:30:00Z')).toBe('REGULAR');
    expect(at('2024-01-10T13:30:00Z')).toBe('PRE');
  });

  it('tags post-market, night and weekend', () => {
    expect(at('2023-07-10T20:00:00Z')).toBe('POST');
    expect(at('2023-07-11T01:00:00Z')).toBe('CLOSED');
    expect(at('2023-07-08T15:00:00Z')).toBe('CLOSED');
  });
});

describe('session tags across daylight-saving changes', () => {
  it('uses the offset in force on each side of the March and November changes', () => {
    // 2024-03-08 (EST, UTC-5) and 2024-03-11 (EDT, UTC-4): 09:30 New York both days.
    expect(at('2024-03-08T14:30:00Z')).toBe('REGULAR');
    expect(at('2024-03-11T13:30:00Z')).toBe('REGULAR');
    expect(at('2024-03-11T13:29:00Z')).toBe('PRE');
    // 2024-11-01 (EDT) close at 20:00 UTC, 2024-11-04 (EST) close at 21:00 UTC.
    expect(at('2024-11-01T19:59:00Z')).toBe('REGULAR');
    expect(at('2024-11-04T20:30:00Z')).toBe('REGULAR');
    expect(at('2024-11-04T21:00:00Z')).toBe('POST');
  });
});

describe('session tags by the exchange calendar', () => {
  const on = (iso: string) => sessionAt(parseTimestamp(iso, undefined));

  it('tags a holiday afternoon CLOSED though the clock says regular', () => {
    expect(at('2024-07-04T15:00:00Z')).toBe('REGULAR');
    expect(on('2024-07-04T15:00:00Z')).toBe('CLOSED');
  });

  it('ends the regular session at 13:00 on an early-close day', () => {
    expect(on('2024-07-03T16:59:00Z')).toBe('REGULAR'); // 12:59 New York
    expect(on('2024-07-03T17:00:00Z')).toBe('POST');
    expect(on('2024-07-03T21:00:00Z')).toBe('CLOSED'); // 17:00 New York
  });

  it('keeps ordinary days as the clock has them', () => {
    expect(on('2023-07-10T13:30:00Z')).toBe('REGULAR');
    expect(on('2023-07-10T12:00:00Z')).toBe('PRE');
  });
});
