import { holidays, tradingDay } from './exchange-calendar';

describe('NYSE calendar', () => {
  it('observes Juneteenth from 2022, on Monday 2022-06-20 as the 19th was a Sunday', () => {
    expect(tradingDay('2022-06-20')).toMatchObject({ open: false, closedFor: 'Juneteenth' });
    expect(tradingDay('2021-06-18').open).toBe(true);
    expect(tradingDay('2024-06-19').closedFor).toBe('Juneteenth');
  });

  it('moves a Sunday Christmas to Monday 2022-12-26', () => {
    expect(tradingDay('2022-12-26')).toMatchObject({ open: false, closedFor: 'Christmas Day' });
  });

  it('does not observe a Saturday New Year (2022) on the Friday before', () => {
    expect(tradingDay('2021-12-31').open).toBe(true);
    expect([...holidays(2022).values()]).not.toContain("New Year's Day");
    expect(tradingDay('2023-01-02').closedFor).toBe("New Year's Day");
  });

  it('closes on one-off days of mourning and storms', () => {
    expect(tradingDay('2018-12-05').closedFor).toMatch(/Bush/);
    expect(tradingDay('2012-10-30').closedFor).toBe('Hurricane Sandy');
    expect(tradingDay('2025-01-09').open).toBe(false);
  });

  it('closes early at 13:00 on the day after Thanksgiving and on July 3', () => {
    expect(tradingDay('2019-11-29')).toMatchObject({ open: true, earlyClose: true, closeMinute: 13 * 60 });
    expect(tradingDay('2024-07-03')).toMatchObject({ open: true, earlyClose: true });
    expect(tradingDay('2024-07-02')).toMatchObject({ earlyClose: false, closeMinute: 16 * 60 });
  });

  it('has no early close on a July 3 that is itself the observed holiday', () => {
    expect(tradingDay('2026-07-03')).toMatchObject({ open: false, closedFor: 'Independence Day', earlyClose: false });
  });

  it('finds Good Friday from Easter', () => {
    expect(tradingDay('2024-03-29').closedFor).toBe('Good Friday');
    expect(tradingDay('2025-04-18').closedFor).toBe('Good Friday');
  });

  it('has nine or ten rule holidays every year 1998-2035, all on weekdays', () => {
    for (let year = 1998; year <= 2035; year++) {
      const rule = [...holidays(year)].filter(([, name]) => !/Mourning|Sandy|September/.test(name));
      expect(rule.length).toBeGreaterThanOrEqual(year >= 2022 ? 9 : 8);
      expect(rule.length).toBeLessThanOrEqual(year >= 2022 ? 10 : 9);
      for (const [date] of rule) expect(tradingDay(date).closedFor).not.toBe('weekend');
    }
  });

  it('refuses years outside 1990-2035', () => {
    expect(() => holidays(2036)).toThrow(RangeError);
  });
});
