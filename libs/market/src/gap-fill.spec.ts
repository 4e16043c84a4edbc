import { readFileSync } from 'node:fs';
import { parseDecimal } from './decimal';
import { fillGaps, fillReach, GapFiller, openSlotsBetween, type FillableBar, type GapFillOptions } from './gap-fill';
import { sessionAt } from './session';
import { newYorkDate } from './session-gaps';
import { parseTimestamp } from './time';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Real data: the DBB minute file (naive UTC), see fixtures/README.md.
const DBB = fixturePath(DBB_MINUTE_FILE);

/** One bar per distinct minute, oldest first (a repeated minute is one bar, as the sink keeps it). */
function readDbb(): FillableBar[] {
  const bars = new Map<number, FillableBar>();
  for (const line of readFileSync(DBB, 'utf8').trim().split('\n').slice(1)) {
    const [ts, open, high, low, close, volume] = line.split(',');
    const eventTime = parseTimestamp(ts, 'UTC');
    if (bars.has(eventTime)) continue;
    bars.set(eventTime, { eventTime, open: parseDecimal(open), high: parseDecimal(high), low: parseDecimal(low), close: parseDecimal(close), volume: Number(volume), tradeCount: null, vwap: null });
  }
  return [...bars.values()].sort((a, b) => a.eventTime - b.eventTime);
}

const at = (iso: string) => Date.parse(iso) * 1000;
const bar = (iso: string, close: string): FillableBar => ({ eventTime: at(iso), open: close, high: close, low: close, close, volume: 1, tradeCount: 1, vwap: close });
const options = (o: Partial<GapFillOptions> = {}): GapFillOptions => ({ policy: 'ffill', timeframe: '1m', sessions: 'regular', maxFillBars: 10_000, ...o });
const onDate = (date: string) => (b: FillableBar) => newYorkDate(b.eventTime) === date;
const nyDates = (from: string, to: string) => (b: FillableBar) => b.eventTime >= at(`${from}T00:00:00-04:00`) && b.eventTime < at(`${to}T00:00:00-04:00`);
const inRegular = (b: FillableBar) => sessionAt(b.eventTime) === 'REGULAR';

describe('gap filling', () => {
  const dbb = readDbb();
  /** Real bars of New York dates [from, to), summer dates only (EDT). */
  const summer = (from: string, to: string) => dbb.filter(nyDates(from, to));

  it('fills a full regular day of real DBB bars to 390 one-minute slots, every fill marked', () => {
    const out = fillGaps(summer('2023-07-10', '2023-07-11').filter(inRegular), options());
    const real = out.filter((b) => b.fill === 'none');
    expect(out).toHaveLength(390);
    expect(real.length).toBe(summer('2023-07-10', '2023-07-11').filter(inRegular).length);
    expect(real.length).toBeLessThan(390);
    out.forEach((b, i) => {
      if (b.fill === 'none') return;
      expect(b).toMatchObject({ fill: 'ffill', open: out[i - 1].close, high: out[i - 1].close, low: out[i - 1].close, close: out[i - 1].close, volume: 0, tradeCount: 0, vwap: null });
    });
  });

  it('fills an early-close day (2024-07-03, 13:00 close) to 210 regular slots', () => {
    const out = fillGaps(summer('2024-07-03', '2024-07-04').filter(inRegular), options());
    expect(out).toHaveLength(210);
    expect(new Date(out[209].eventTime / 1000).toISOString()).toBe('2024-07-03T16:59:00.000Z');
  });

  it('never fills Independence Day 2024, the overnight break or after the early close', () => {
    const days = summer('2024-07-02', '2024-07-06');
    for (const sessions of ['regular', 'extended'] as const) {
      const fills = fillGaps(days, options({ sessions })).filter((b) => b.fill !== 'none');
      expect(fills.length).toBeGreaterThan(0);
      expect(fills.filter(onDate('2024-07-04'))).toEqual([]);
      const allowed = sessions === 'regular' ? ['REGULAR'] : ['PRE', 'REGULAR', 'POST'];
      for (const f of fills) expect(allowed).toContain(sessionAt(f.eventTime));
    }
    expect(openSlotsBetween(at('2024-07-02T19:59:00Z'), at('2024-07-03T13:30:00Z'), '1m', 'regular', 1000)).toEqual([]);
    // Extended: 16:00-20:00 on the 2nd and 04:00-09:29 on the 3rd (New York), 240 + 330 slots.
    expect(openSlotsBetween(at('2024-07-02T19:59:00Z'), at('2024-07-03T13:30:00Z'), '1m', 'extended', 1000)).toHaveLength(570);
    // After the 13:00 early close the post-market runs to 17:00, as sessionAt has it.
    const after = openSlotsBetween(at('2024-07-03T16:59:00Z'), at('2024-07-05T08:00:00Z'), '1m', 'extended', 1000)!;
    expect(after).toHaveLength(240);
    expect(new Date(after[239] / 1000).toISOString()).toBe('2024-07-03T20:59:00.000Z');
  });

  it('interpolates the real gap 13:30-13:34 on 2023-07-10 exactly (17.91 to 17.921)', () => {
    const out = fillGaps(summer('2023-07-10', '2023-07-11').slice(0, 2), options({ policy: 'interpolate' }));
    expect(out.map((b) => [b.close, b.fill])).toEqual([
      ['17.91000000', 'none'], ['17.91275000', 'interpolated'], ['17.91550000', 'interpolated'], ['17.91825000', 'interpolated'], ['17.92100000', 'none'],
    ]);
    expect(out[2]).toMatchObject({ open: '17.91550000', high: '17.91550000', low: '17.91550000', volume: 0, tradeCount: 0, vwap: null });
  });

  it('rounds an interpolated close half-even at scale 8', () => {
    const mid = (a: string, b: string) => fillGaps([bar('2024-07-05T14:00:00Z', a), bar('2024-07-05T14:02:00Z', b)], options({ policy: 'interpolate' }))[1].close;
    expect(mid('1.00000000', '1.00000001')).toBe('1.00000000');
    expect(mid('1.00000001', '1.00000002')).toBe('1.00000002');
    expect(mid('1.00000001', '1.00000000')).toBe('1.00000000');
    expect(mid('-1.00000001', '-1.00000002')).toBe('-1.00000002');
    const third = fillGaps([bar('2024-07-05T14:00:00Z', '10.00000000'), bar('2024-07-05T14:03:00Z', '10.00000001')], options({ policy: 'interpolate' }));
    expect(third.slice(1, 3).map((b) => b.close)).toEqual(['10.00000000', '10.00000001']);
  });

  it('leaves a gap longer than maxFillBars empty', () => {
    const two = summer('2023-07-10', '2023-07-11').slice(0, 2);
    expect(fillGaps(two, options({ maxFillBars: 2 }))).toHaveLength(2);
    expect(fillGaps(two, options({ maxFillBars: 3 }))).toHaveLength(5);
  });

  it('counts 5-minute, hourly and daily slots by the calendar', () => {
    // 5m extended on the early-close day: 04:00-17:00 New York.
    expect(openSlotsBetween(at('2024-07-03T07:55:00Z'), at('2024-07-03T21:00:00Z'), '5m', 'extended', 1000)).toHaveLength(156);
    // 1h regular on the session grid: 15:30-16:00 closes the 2nd; the early close of the 3rd leaves
    // 09:30 … 12:30 (12:30-13:00); nothing on the 4th; the 5th opens after the next bar's slot.
    const hours = openSlotsBetween(at('2024-07-02T19:00:00Z'), at('2024-07-05T13:00:00Z'), '1h', 'regular', 1000)!;
    expect(hours.map((t) => new Date(t / 1000).toISOString().slice(5, 16))).toEqual(['07-02T19:30', '07-03T13:30', '07-03T14:30', '07-03T15:30', '07-03T16:30']);
    // 1d: trading days only, labelled by the 09:30 open (13:30 UTC in summer); the 4th and the weekend are skipped.
    const days = openSlotsBetween(at('2024-07-03T13:30:00Z'), at('2024-07-09T13:30:00Z'), '1d', 'regular', 1000)!;
    expect(days.map((t) => new Date(t / 1000).toISOString().slice(0, 16))).toEqual(['2024-07-05T13:30', '2024-07-08T13:30']);
    // Extended days are labelled by the 04:00 pre-market open.
    expect(openSlotsBetween(at('2024-07-03T08:00:00Z'), at('2024-07-08T08:00:00Z'), '1d', 'extended', 1000)!.map((t) => new Date(t / 1000).toISOString().slice(0, 16)))
      .toEqual(['2024-07-05T08:00']);
  });

  it('marks every bar real and fills nothing under policy none', () => {
    const day = summer('2023-07-10', '2023-07-11');
    expect(fillGaps(day, options({ policy: 'none' }))).toEqual(day.map((b) => ({ ...b, fill: 'none' })));
  });

  it('streams the same bars as the batch form over two years of real data', () => {
    for (const policy of ['ffill', 'interpolate'] as const) {
      const o = options({ policy, sessions: 'extended', maxFillBars: 120 });
      const filler = new GapFiller<FillableBar>(o);
      // Compared as JSON: two hundred thousand bars are too many for a structural diff to be quick.
      expect(JSON.stringify(dbb.flatMap((b) => filler.push(b)))).toBe(JSON.stringify(fillGaps(dbb, o)));
    }
  });

  it('passes a late bar through unfilled and keeps its cursor', () => {
    const filler = new GapFiller<FillableBar>(options());
    filler.push(bar('2024-07-05T14:00:00Z', '1.00000000'));
    expect(filler.push(bar('2024-07-05T13:50:00Z', '2.00000000'))).toEqual([expect.objectContaining({ fill: 'none', close: '2.00000000' })]);
    expect(filler.push(bar('2024-07-05T14:02:00Z', '3.00000000')).map((b) => [b.close, b.fill])).toEqual([['1.00000000', 'ffill'], ['3.00000000', 'none']]);
  });

  it('widens a range to the bars that could anchor a fill inside it', () => {
    const reach = fillReach(at('2024-07-05T13:30:00Z'), at('2024-07-05T14:00:00Z'), options({ maxFillBars: 3 }));
    // Four open slots back crosses the holiday to the 3rd's last minutes; four forward from 14:00, plus one slot.
    expect(new Date(reach.from / 1000).toISOString()).toBe('2024-07-03T16:56:00.000Z');
    expect(new Date(reach.to / 1000).toISOString()).toBe('2024-07-05T14:04:00.000Z');
  });
});
