import { tradingDay } from './exchange-calendar';

// The historical early-close rules, one scenario each; the full check, every weekday 1990-2035,
// is exchange-calendar-history.spec.ts against fixtures/calendar/nyse-1990-2035.csv.

const closesAt = (date: string) => (tradingDay(date).earlyClose ? tradingDay(date).closeMinute / 60 : 16);

describe('NYSE early closes', () => {
  it('had no July 3 early close before 1995 (1990, 1991)', () => {
    expect(tradingDay('1990-07-03')).toMatchObject({ open: true, earlyClose: false, closeMinute: 16 * 60 });
    expect(closesAt('1991-07-03')).toBe(16);
  });

  it('closed early on Friday July 5, not Wednesday July 3, when July 4 was a Thursday before 2013', () => {
    expect(closesAt('1996-07-03')).toBe(16);
    expect(closesAt('1996-07-05')).toBe(13);
    expect(closesAt('2002-07-03')).toBe(16);
    expect(tradingDay('2002-07-05')).toMatchObject({ open: true, earlyClose: true, closeMinute: 13 * 60 });
  });

  it('closes early on a Wednesday July 3 and trades a full Friday July 5 since 2013', () => {
    expect(closesAt('2013-07-03')).toBe(13);
    expect(closesAt('2013-07-05')).toBe(16);
    expect(closesAt('2019-07-03')).toBe(13);
  });

  it('has no early close on Thursday July 2 when Friday July 3 is the observed holiday (2015, 2020, 2026)', () => {
    for (const date of ['2015-07-02', '2020-07-02', '2026-07-02']) expect(closesAt(date)).toBe(16);
  });

  it('closed at 14:00 before 1993 and had no day-after-Thanksgiving early close before 1992', () => {
    expect(closesAt('1990-11-23')).toBe(16);
    expect(closesAt('1991-11-29')).toBe(16);
    expect(closesAt('1992-11-27')).toBe(14);
    expect(closesAt('1991-12-24')).toBe(14);
    expect(closesAt('1993-11-26')).toBe(13);
  });

  it('keeps the one-off early closes: 1997-12-26, 1999-12-31, 2003-12-26 at 13:00 and the unscheduled ones', () => {
    expect(closesAt('1997-12-26')).toBe(13);
    expect(closesAt('1999-12-31')).toBe(13);
    expect(closesAt('2003-12-26')).toBe(13);
    expect(closesAt('2008-12-26')).toBe(16);
    expect(tradingDay('1997-10-27').closeMinute).toBe(15 * 60 + 30);
    expect(tradingDay('2005-06-01').closeMinute).toBe(15 * 60 + 56);
  });

  it('treats a Friday Christmas Eve as the observed holiday, not an early close (1999, 2021, 2027)', () => {
    for (const date of ['1999-12-24', '2021-12-24', '2027-12-24']) {
      expect(tradingDay(date)).toMatchObject({ open: false, closedFor: 'Christmas Day', earlyClose: false });
    }
  });
});
