import { type AdjustmentSchedule, type Restatement, adjustmentSchedule, factorsAt, newYorkMidnightUs, restatementRanges } from './adjustment-schedule';
import type { CorporateAction } from './corporate-actions';
import { parseTimestamp } from './time';

// Real AAPL actions of 2014 and the raw closes before their ex-dates, as LEAN's factor file
// (fixtures/lean/factor_files/aapl.csv) prints them as reference prices.
const base = { symbol: 'AAPL', provider: 'test', revision: 0 };
const may: CorporateAction = { ...base, exDate: '2014-05-08', kind: 'cash_dividend', amount: '3.29' };
const split: CorporateAction = { ...base, exDate: '2014-06-09', kind: 'split', ratio: { to: 7, from: 1 } };
const august: CorporateAction = { ...base, exDate: '2014-08-07', kind: 'cash_dividend', amount: '0.47' };
const closes: Record<string, number> = { '2014-05-08': 592.34, '2014-08-07': 94.96 };
const previousClose = (exDate: string) => closes[exDate];
const ny = (text: string) => parseTimestamp(text, 'America/New_York');

describe('adjustment schedule', () => {
  const schedule = adjustmentSchedule([august, split, may], previousClose);

  it('multiplies the factors of every later action, sorted by ex-date', () => {
    expect(schedule.map((s) => s.untilExclusiveUs)).toEqual([...[may, split, august].map((a) => newYorkMidnightUs(a.exDate)), null]);
    const aug = 1 - 0.47 / 94.96;
    expect(factorsAt(schedule, ny('2014-05-07 15:59'))).toEqual({ splitFactor: 1 / 7, dividendFactor: (1 - 3.29 / 592.34) * aug });
    expect(factorsAt(schedule, ny('2014-06-06 19:59'))).toEqual({ splitFactor: 1 / 7, dividendFactor: aug });
    expect(factorsAt(schedule, ny('2014-08-07 04:00'))).toEqual({ splitFactor: 1, dividendFactor: 1 });
  });

  it('switches at New York midnight of the ex-date, in summer time', () => {
    expect(newYorkMidnightUs('2014-06-09')).toBe(Date.parse('2014-06-09T04:00:00Z') * 1000);
    expect(factorsAt(schedule, newYorkMidnightUs('2014-06-09') - 1).splitFactor).toBe(1 / 7);
    expect(factorsAt(schedule, newYorkMidnightUs('2014-06-09')).splitFactor).toBe(1);
  });

  it('is one open segment of ones without actions', () => {
    expect(adjustmentSchedule([], previousClose)).toEqual([{ untilExclusiveUs: null, splitFactor: 1, dividendFactor: 1 }]);
  });

  it('names the symbol and date when the close before an ex-date is unknown', () => {
    expect(() => adjustmentSchedule([may], () => undefined)).toThrow(
      'AAPL cash_dividend ex 2014-05-08: no raw close for the trading day before 2014-05-08; load that day\'s bar first',
    );
  });

  it('refuses a dividend as large as the close, invalid actions and mixed symbols', () => {
    expect(() => adjustmentSchedule([{ ...may, amount: '600' }], previousClose)).toThrow(/amount 600 is not below the previous close 592.34/);
    expect(() => adjustmentSchedule([{ ...split, ratio: { to: -7, from: 1 } }], previousClose)).toThrow(/ratio must be two positive numbers/);
    expect(() => adjustmentSchedule([split, { ...split, symbol: 'MSFT' }], previousClose)).toThrow(/per symbol, got AAPL, MSFT/);
  });
});

/** The ranges tile (-inf, exDate) without gaps, each carrying the new schedule's factors. */
function expectExactlyHistoryBefore(ranges: Restatement[], exDate: string, after: AdjustmentSchedule): void {
  expect(ranges[0].fromUs).toBeNull();
  expect(ranges[ranges.length - 1].untilExclusiveUs).toBe(newYorkMidnightUs(exDate));
  ranges.forEach((r, i) => {
    if (i > 0) expect(r.fromUs).toBe(ranges[i - 1].untilExclusiveUs);
    expect({ splitFactor: r.splitFactor, dividendFactor: r.dividendFactor }).toEqual(factorsAt(after, r.untilExclusiveUs! - 1));
  });
}

describe('restatement ranges', () => {
  const without = adjustmentSchedule([may, august], previousClose);
  const withSplit = adjustmentSchedule([may, august, split], previousClose);

  it('restates exactly the history before the 2014 split, with absolute factors', () => {
    const ranges = restatementRanges(without, withSplit);
    expectExactlyHistoryBefore(ranges, '2014-06-09', withSplit);
    for (const r of ranges) expect(r.splitFactor).toBe(1 / 7);
  });

  it('leaves the same history when a store applies a restatement twice', () => {
    const apply = (bars: { t: number; splitFactor: number }[]) =>
      bars.map((b) => ({ ...b, ...restatementRanges(without, withSplit).find((r) => (r.fromUs ?? -Infinity) <= b.t && b.t < (r.untilExclusiveUs ?? Infinity)) }));
    const history = [ny('2014-05-07 10:00'), ny('2014-06-06 15:59'), ny('2014-06-09 09:30')].map((t) => ({ t, ...factorsAt(without, t) }));
    const once = apply(history);
    expect(apply(once)).toEqual(once);
    expect(once.map((b) => b.splitFactor)).toEqual([1 / 7, 1 / 7, 1]);
  });

  it('changes nothing when the same action arrives twice', () => {
    expect(restatementRanges(withSplit, adjustmentSchedule([may, august, split, split], previousClose))).toEqual([]);
  });

  it('restates only the history before a dividend whose amount a higher revision corrects', () => {
    const corrected = adjustmentSchedule([may, august, split, { ...august, amount: '0.48', revision: 1 }], previousClose);
    expectExactlyHistoryBefore(restatementRanges(withSplit, corrected), '2014-08-07', corrected);
  });

  it('is an open-ended whole-history range between two schedules without boundaries that differ', () => {
    const scaled = [{ untilExclusiveUs: null, splitFactor: 0.5, dividendFactor: 1 }];
    expect(restatementRanges(adjustmentSchedule([], previousClose), scaled)).toEqual([{ fromUs: null, untilExclusiveUs: null, splitFactor: 0.5, dividendFactor: 1 }]);
  });
});
