import fc from 'fast-check';
import { DateTime } from 'luxon';
import { microsToIso, parseTimestamp } from './time';

describe('timestamps to UTC microseconds', () => {
  it('keeps microseconds of a UTC wall-clock text', () => {
    expect(parseTimestamp('2023-07-10 13:30:00.123456', 'UTC')).toBe(Date.UTC(2023, 6, 10, 13, 30) * 1000 + 123456);
  });

  it('agrees with luxon on every UTC second of 1990-2035', () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1990, 0, 1) / 1000, max: Date.UTC(2035, 11, 31) / 1000 }), (sec) => {
      const text = DateTime.fromSeconds(sec, { zone: 'UTC' }).toFormat('yyyy-MM-dd HH:mm:ss');
      return parseTimestamp(text, 'UTC') === sec * 1_000_000 && parseTimestamp(`${text.replace(' ', 'T')}Z`, undefined) === sec * 1_000_000;
    }));
  });

  it('refuses impossible dates instead of rolling them over', () => {
    expect(() => parseTimestamp('2023-02-30 10:00:00', 'UTC')).toThrow(/unparseable/);
    expect(() => parseTimestamp('2023-13-01 10:00:00', 'UTC')).toThrow(/unparseable/);
  });

  it('reads New York wall clock across the DST change', () => {
    expect(microsToIso(parseTimestamp('2024-03-08 09:30:00', 'America/New_York'))).toBe('2024-03-08T14:30:00.000Z');
    expect(microsToIso(parseTimestamp('2024-03-11 09:30:00', 'America/New_York'))).toBe('2024-03-11T13:30:00.000Z');
  });
});
