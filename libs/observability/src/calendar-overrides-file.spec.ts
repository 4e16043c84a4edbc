import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@md/contracts';
import { setCalendarOverrides, tradingDay } from '@md/market';
import { applyCalendarOverridesFile } from './calendar-overrides-file';

describe('CALENDAR_OVERRIDES_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-calendar-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  afterEach(() => setCalendarOverrides(null));

  it('closes a day and shortens another for every reader of the calendar', () => {
    expect(tradingDay('2031-03-12')).toMatchObject({ open: true, earlyClose: false });
    applyCalendarOverridesFile(file('ok.json', JSON.stringify({
      closures: [{ date: '2031-03-12', reason: 'National Day of Mourning' }],
      earlyCloses: [{ date: '2031-03-13', closeTime: '14:00', reason: 'systems' }],
    })), 'test');
    expect(tradingDay('2031-03-12')).toMatchObject({ open: false, closedFor: 'National Day of Mourning' });
    expect(tradingDay('2031-03-13')).toMatchObject({ open: true, earlyClose: true, closeMinute: 14 * 60 });
  });

  it('does nothing without the variable', () => {
    applyCalendarOverridesFile(undefined, 'test');
    expect(tradingDay('2031-03-12').open).toBe(true);
  });

  it('stops with one line naming the variable, the file and the bad field', () => {
    const bad = file('bad.json', JSON.stringify({ earlyCloses: [{ date: '2031-02-30', reason: 'x' }] }));
    expect(() => applyCalendarOverridesFile(bad, 'test')).toThrow(new ConfigError(`config: CALENDAR_OVERRIDES_FILE is invalid ("${bad}"): earlyCloses[0].date: is not a calendar date`));
    const garbled = file('garbled.json', '{ closures: ');
    expect(() => applyCalendarOverridesFile(garbled, 'test')).toThrow(/^config: CALENDAR_OVERRIDES_FILE is invalid \(".*garbled\.json"\): .*JSON/);
    expect(() => applyCalendarOverridesFile(join(dir, 'missing.json'), 'test')).toThrow(/CALENDAR_OVERRIDES_FILE is invalid \(".*missing\.json"\): no such file$/);
  });
});
