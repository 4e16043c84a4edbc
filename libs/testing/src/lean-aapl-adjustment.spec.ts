import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { type AdjustmentSchedule, type CorporateAction, adjustmentSchedule, factorsAt, microsToIso, newYorkDate, newYorkMidnightUs, parseCorporateActionsCsv, sessionAt, tradingDay } from '@md/market';
import { type LeanFactorRow, type LeanTradeBar, leanFactorsOn, leanFileDate, parseLeanDailyBars, parseLeanFactorFile, parseLeanMinuteBars } from '@md/providers';
import { readLeanZipText } from './lean-files';
import { AAPL_ACTIONS_FILE, fixturePath, fixturesDir } from '@md/fixtures';

// Back-adjustment of real AAPL data (fixtures/lean, QuantConnect LEAN sample data) with the
// actions of fixtures/corporate-actions/aapl.csv, checked against LEAN's own factor file.
const lean = (path: string) => join(fixturesDir(), 'lean', path);
const FACTOR_FILE_LAST_EX_DATE = '2018-05-11'; // its last real row is 20180510, then 20501231 = 1,1

let daily: LeanTradeBar[];
let closes: Map<string, number>;
let factorRows: LeanFactorRow[];
let actions: CorporateAction[];

function previousTradingDate(date: string): string {
  let day = DateTime.fromISO(date, { zone: 'utc' });
  do day = day.minus({ days: 1 });
  while (!tradingDay(day.toISODate()!).open);
  return day.toISODate()!;
}

/** LEAN's convention: the raw close of the last trading day before the ex-date. */
const previousClose = (exDate: string) => closes.get(previousTradingDate(exDate));
const adjusted = (price: string, f: { splitFactor: number; dividendFactor: number }) => Number(price) * f.splitFactor * f.dividendFactor;

beforeAll(async () => {
  daily = parseLeanDailyBars(await readLeanZipText(lean('daily/aapl.zip')), 'daily/aapl.zip');
  closes = new Map(daily.map((b) => [newYorkDate(b.eventTime), Number(b.close)]));
  factorRows = parseLeanFactorFile(readFileSync(lean('factor_files/aapl.csv'), 'utf8'), 'factor_files/aapl.csv');
  actions = parseCorporateActionsCsv(readFileSync(fixturePath(AAPL_ACTIONS_FILE), 'utf8'), 'apple-ir', 'aapl.csv');
});

describe('the sample AAPL actions against the LEAN factor file', () => {
  it('finds every action up to 2018 as a factor-file step dated the trading day before, and no other step', () => {
    const covered = actions.filter((a) => a.exDate <= FACTOR_FILE_LAST_EX_DATE);
    const steps = factorRows.slice(1, -1).filter((r, i) => r.priceFactor !== factorRows[i + 2].priceFactor || r.splitFactor !== factorRows[i + 2].splitFactor);
    expect(steps.map((r) => r.date)).toEqual(covered.map((a) => previousTradingDate(a.exDate)));
  });

  it('matches each split ratio and each dividend amount to the cent', () => {
    for (const a of actions.filter((x) => x.exDate <= FACTOR_FILE_LAST_EX_DATE)) {
      const row = leanFactorsOn(factorRows, previousTradingDate(a.exDate))!;
      const next = factorRows[factorRows.indexOf(row) + 1];
      if (a.kind === 'split') expect(row.splitFactor / next.splitFactor).toBeCloseTo(a.ratio!.from / a.ratio!.to, 5);
      else expect(((1 - row.priceFactor / next.priceFactor) * row.referencePrice!).toFixed(2)).toBe(Number(a.amount).toFixed(2));
    }
  });
});

/**
 * Relative rounding of a factor as the file prints it: half a unit of its last printed digit.
 * LEAN writes normalised decimals, so String(x) gives back the printed digits; an integer factor
 * (1: nothing left to adjust) is exact.
 */
function printedRounding(x: number): number {
  const digits = (String(x).split('.')[1] ?? '').length;
  return Number.isInteger(x) ? 0 : (0.5 * 10 ** -digits) / x;
}

describe('daily AAPL bars, 1998 to 2020', () => {
  let covered: AdjustmentSchedule;
  let full: AdjustmentSchedule;
  beforeAll(() => {
    covered = adjustmentSchedule(actions.filter((a) => a.exDate <= FACTOR_FILE_LAST_EX_DATE), previousClose);
    full = adjustmentSchedule(actions, previousClose);
  });

  const coveredBars = () => daily.filter((b) => newYorkDate(b.eventTime) <= '2018-05-10');

  /** Dates up to 2018-05-10 whose adjusted close is off LEAN's by more than the file can tell. */
  function datesOffLean(schedule: AdjustmentSchedule): string[] {
    const off = coveredBars().filter((bar) => {
      const row = leanFactorsOn(factorRows, newYorkDate(bar.eventTime))!;
      const ours = adjusted(bar.close, factorsAt(schedule, bar.eventTime));
      const theirs = Number(bar.close) * row.priceFactor * row.splitFactor;
      // 1e-6 for the arithmetic, plus the file's own printing: 0.142857 for 1/7 alone is 1.0e-6
      // off. Also absorbed: LEAN's reference closes differ from the daily bars on some days
      // (2013-11-05: 525.58 vs 525.46, 1.3e-6 on that $3.05 dividend); measured worst 1.27e-6.
      const tolerance = 1e-6 + printedRounding(row.priceFactor) + printedRounding(row.splitFactor);
      return Math.abs(ours / theirs - 1) >= tolerance;
    });
    return off.map((b) => newYorkDate(b.eventTime));
  }

  it("gives every bar from 1998 to 2018-05-10 LEAN's adjusted close", () => {
    expect(coveredBars()).toHaveLength(5122);
    expect(datesOffLean(covered)).toEqual([]);
  });

  it('would notice a dividend one cent off', () => {
    const wrong = actions.map((a) => (a.exDate === '2014-05-08' ? { ...a, amount: '3.30' } : a)).filter((a) => a.exDate <= FACTOR_FILE_LAST_EX_DATE);
    const off = datesOffLean(adjustmentSchedule(wrong, previousClose));
    expect([off[0], off.at(-1)]).toEqual(['1998-01-02', '2014-05-07']);
  });

  it('divides every bar before the 2020-08-31 4:1 split by 4 more, which the factor file predates', () => {
    expect(microsToIso(daily[daily.length - 1].eventTime).slice(0, 10)).toBe('2020-03-09'); // the daily file ends before the split
    for (const bar of daily) {
      const f = factorsAt(full, bar.eventTime);
      const c = factorsAt(covered, bar.eventTime);
      expect([f.splitFactor, f.dividendFactor]).toEqual([c.splitFactor / 4, c.dividendFactor]);
    }
    expect(factorsAt(full, newYorkMidnightUs('2020-08-31'))).toEqual({ splitFactor: 1, dividendFactor: 1 });
  });
});

describe('minute AAPL bars around the 2014-06-09 7:1 split', () => {
  const days = ['20140605', '20140606', '20140609'];
  let bars: Record<string, LeanTradeBar[]>;
  let schedule: AdjustmentSchedule;
  beforeAll(async () => {
    bars = {};
    for (const day of days) bars[day] = parseLeanMinuteBars(await readLeanZipText(lean(`minute/aapl/${day}_trade.zip`)), leanFileDate(day), day);
    schedule = adjustmentSchedule(actions, previousClose);
  });
  const regular = (day: string) => bars[day].filter((b) => sessionAt(b.eventTime) === 'REGULAR');

  it('joins the 2014-06-06 close and the 2014-06-09 open once adjusted, not before', () => {
    const friday = regular('20140606').at(-1)!;
    const monday = regular('20140609')[0];
    expect([microsToIso(friday.eventTime), microsToIso(monday.eventTime)]).toEqual(['2014-06-06T19:59:00.000Z', '2014-06-09T13:30:00.000Z']);
    const before = adjusted(friday.close, factorsAt(schedule, friday.eventTime));
    const after = adjusted(monday.open, factorsAt(schedule, monday.eventTime));
    expect(Math.abs(after / before - 1)).toBeLessThan(0.02);
    expect(Math.abs(Number(monday.open) / Number(friday.close) - 1)).toBeGreaterThan(0.8);
  });

  it('scales pre-split volumes by 7 against post-split ones, bringing the two sessions to the same order', () => {
    const volume = (day: string) => regular(day).reduce((sum, b) => sum + b.volume / factorsAt(schedule, b.eventTime).splitFactor, 0);
    const raw = (day: string) => regular(day).reduce((sum, b) => sum + b.volume, 0);
    // Both days also carry the 2020 4:1 split, hence the ratio of scales rather than 7 itself.
    expect(volume('20140606') / raw('20140606') / (volume('20140609') / raw('20140609'))).toBeCloseTo(7, 9);
    expect(volume('20140606') / volume('20140609')).toBeGreaterThan(0.8);
    expect(raw('20140606') / raw('20140609')).toBeLessThan(0.2);
  });

  it('gives 2014-06-05 and 2014-06-06 the same factors: no action falls between them', () => {
    expect(factorsAt(schedule, bars['20140605'][0].eventTime)).toEqual(factorsAt(schedule, bars['20140606'][0].eventTime));
  });

  it('keeps the real bad print of the first 2014-06-09 pre-market bar: adjustment goes by date, not by price', () => {
    // 04:00 New York: opens at the pre-split 645.57, closes at 92.42. A quality rule flags such a
    // bar; the adjustment must not guess, so it gets the post-split factors of its whole day.
    const first = bars['20140609'][0];
    expect([microsToIso(first.eventTime), sessionAt(first.eventTime)]).toEqual(['2014-06-09T08:00:00.000Z', 'PRE']);
    expect([first.open, first.close]).toEqual(['645.57000000', '92.42000000']);
    expect(factorsAt(schedule, first.eventTime)).toEqual(factorsAt(schedule, regular('20140609')[0].eventTime));
  });
});
