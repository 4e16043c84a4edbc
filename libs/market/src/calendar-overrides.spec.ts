import { ConfigError } from '@md/contracts';
import { calendarOverridesSchema, parseCalendarOverrides } from './calendar-overrides';
import { holidays, setCalendarOverrides, tradingDay } from './exchange-calendar';

const errorOf = (input: unknown): string => {
  try {
    parseCalendarOverrides(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('parsed');
};

describe('calendar overrides: the document', () => {
  it('fills in the 13:00 close and empty lists', () => {
    expect(parseCalendarOverrides({ earlyCloses: [{ date: '2030-12-26', reason: 'Day after Christmas' }] })).toEqual({
      closures: [],
      earlyCloses: [{ date: '2030-12-26', closeTime: '13:00', reason: 'Day after Christmas' }],
    });
    expect(calendarOverridesSchema.parse({})).toEqual({ closures: [], earlyCloses: [] });
  });

  it('names the bad field and its entry index', () => {
    const message = errorOf({
      closures: [{ date: '2030-01-02', reason: 'ok' }, { date: '2030-02-30', reason: 'storm' }],
      earlyCloses: [{ date: '2030-12-26', reason: 'x' }, { date: '2030-12-27', closeTime: '25:00', reason: 'y' }],
    });
    expect(message).toContain('closures[1].date: is not a calendar date');
    expect(message).toContain('earlyCloses[1].closeTime: must be a time HH:MM');
    expect(message).not.toContain('closures[0]');
  });

  it('rejects a close outside the regular session, a missing reason, unknown fields and dates out of range', () => {
    expect(errorOf({ earlyCloses: [{ date: '2030-12-26', closeTime: '16:30', reason: 'late' }] })).toContain('earlyCloses[0].closeTime: must be after the 09:30 open and before the 16:00 close');
    expect(errorOf({ closures: [{ date: '2030-01-02', reason: ' ' }] })).toContain('closures[0].reason: must say why');
    expect(errorOf({ closures: [{ date: '2030-01-02', reason: 'x', note: 1 }] })).toContain('closures[0]: Unrecognized key');
    expect(errorOf({ closures: [{ date: '2036-01-02', reason: 'x' }] })).toContain("closures[0].date: must fall in 1990-2035, the calendar's range");
    expect(errorOf({ closure: [] })).toContain('(document): Unrecognized key');
  });

  it('rejects a date named twice, within a list or across both', () => {
    const message = errorOf({
      closures: [{ date: '2030-01-02', reason: 'a' }, { date: '2030-01-02', reason: 'b' }],
      earlyCloses: [{ date: '2030-01-02', reason: 'c' }],
    });
    expect(message).toContain('closures[1].date: 2030-01-02 is already in closures[0]');
    expect(message).toContain('earlyCloses[0].date: 2030-01-02 is already in closures[0]');
  });
});

describe('calendar overrides: their effect on tradingDay', () => {
  afterEach(() => setCalendarOverrides(null));

  it('closes an override date for its reason and lists it among the holidays', () => {
    expect(tradingDay('2030-03-13').open).toBe(true); // memoised before the overrides arrive
    setCalendarOverrides(parseCalendarOverrides({ closures: [{ date: '2030-03-13', reason: 'National Day of Mourning' }] }));
    expect(tradingDay('2030-03-13')).toMatchObject({ open: false, closedFor: 'National Day of Mourning', earlyClose: false });
    expect(holidays(2030).get('2030-03-13')).toBe('National Day of Mourning');
    setCalendarOverrides(null);
    expect(tradingDay('2030-03-13').open).toBe(true);
    expect(holidays(2030).has('2030-03-13')).toBe(false);
  });

  it('ends the session at closeTime, replacing a scheduled early close', () => {
    setCalendarOverrides(parseCalendarOverrides({
      earlyCloses: [{ date: '2030-03-14', closeTime: '14:30', reason: 'Systems problem' }, { date: '2030-12-24', closeTime: '12:00', reason: 'Storm' }, { date: '2030-03-15', reason: 'Default' }],
    }));
    expect(tradingDay('2030-03-14')).toMatchObject({ open: true, earlyClose: true, closeMinute: 14 * 60 + 30, openMinute: 9 * 60 + 30 });
    expect(tradingDay('2030-12-24')).toMatchObject({ earlyClose: true, closeMinute: 12 * 60 });
    expect(tradingDay('2030-03-15')).toMatchObject({ earlyClose: true, closeMinute: 13 * 60 });
  });

  it('leaves a holiday or weekend closed when an early close names it', () => {
    setCalendarOverrides(parseCalendarOverrides({ earlyCloses: [{ date: '2030-12-25', reason: 'x' }, { date: '2030-03-16', reason: 'y' }] }));
    expect(tradingDay('2030-12-25')).toMatchObject({ open: false, closedFor: 'Christmas Day', earlyClose: false, closeMinute: 16 * 60 });
    expect(tradingDay('2030-03-16')).toMatchObject({ open: false, closedFor: 'weekend' });
  });
});
