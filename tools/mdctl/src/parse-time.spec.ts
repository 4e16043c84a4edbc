import { parseTime, parseWindow } from './parse-time';
import { UsageError } from './usage-error';

describe('parseTime', () => {
  it('reads ISO 8601 with Z or an offset, to the millisecond', () => {
    expect(parseTime('2024-04-01T13:30:00Z', '--from')).toBe(Date.UTC(2024, 3, 1, 13, 30));
    expect(parseTime('2024-04-01T09:30:00-04:00', '--from')).toBe(Date.UTC(2024, 3, 1, 13, 30));
    expect(parseTime('2024-04-01T13:30:00.250Z', '--from')).toBe(Date.UTC(2024, 3, 1, 13, 30, 0, 250));
    expect(parseTime('2024-04-01T13:30Z', '--from')).toBe(Date.UTC(2024, 3, 1, 13, 30));
  });

  it('takes a bare date as UTC midnight', () => {
    expect(parseTime('2024-02-29', '--to')).toBe(Date.UTC(2024, 1, 29));
  });

  it('refuses a naive date-time, saying how to add the zone', () => {
    expect(() => parseTime('2024-04-01 13:30', '--from')).toThrow(new UsageError('--from "2024-04-01 13:30" has no time zone: append Z for UTC or an offset such as -04:00 (e.g. 2024-04-01T13:30Z)'));
  });

  it.each(['yesterday', '2024-02-30', '2023-02-29', '2024-13-01', '2024-04-01T24:00:00Z', '1711972800000', ''])('refuses "%s" naming the option and the accepted forms', (text) => {
    expect(() => parseTime(text, '--from')).toThrow(/^--from ".*" is not a time: use YYYY-MM-DD \(UTC midnight\) or ISO 8601 with a zone/);
  });
});

describe('parseWindow', () => {
  it('returns [from, to) in epoch ms', () => {
    expect(parseWindow('2024-04-01', '2024-05-01')).toEqual({ fromMs: Date.UTC(2024, 3, 1), toMs: Date.UTC(2024, 4, 1) });
  });

  it('refuses an empty or inverted window', () => {
    expect(() => parseWindow('2024-05-01', '2024-05-01')).toThrow('--to 2024-05-01 is not after --from 2024-05-01');
  });
});
