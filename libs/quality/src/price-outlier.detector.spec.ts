import type { CleanBar } from '@md/contracts';
import { PriceOutlierDetector } from './price-outlier.detector';
import { robustScale } from './robust-stats';
import { dbbDays, feed, localDate, testBar } from './test-bars.fixture';

const DBB = { symbol: 'DBB', timeframe: '1m' } as const;
const DAY = '2024-05-03';
const bars = dbbDays('2024-04-22', DAY); // nine sessions of warm-up before the day under test
const dayStart = bars.findIndex((b) => localDate(b.eventTime) === DAY);
// a regular-session bar in the middle of the day, whose previous bar is regular too
const spikeAt = bars.findIndex((b, i) => i > dayStart + 100 && b.session === 'REGULAR' && bars[i - 1].session === 'REGULAR');

const price = (x: number) => x.toFixed(8);
const withClose = (bar: CleanBar, close: string): CleanBar => ({ ...bar, close, high: Number(close) > Number(bar.high) ? close : bar.high, low: Number(close) < Number(bar.low) ? close : bar.low });

/** The close that is `sigmas` robust sigmas above the previous bar, as the detector sees it before the spike. */
function closeAtSigmas(sigmas: number): string {
  const before = new PriceOutlierDetector(DBB);
  feed(before, bars.slice(0, spikeAt));
  const { median, scale } = robustScale(before.toJSON().returns);
  const previous = Number(bars[spikeAt - 1].close);
  const effective = Math.max(scale, Math.log(1 + 0.01 / previous));
  return price(previous * Math.exp(median + sigmas * effective));
}

describe('price outliers on real DBB days', () => {
  it('raises nothing on the unmodified day', () => {
    expect(feed(new PriceOutlierDetector(DBB), bars).filter((i) => localDate(i.windowStartUs) === DAY)).toEqual([]);
  });

  it('flags a 20-sigma spike that comes back once, on the spike bar', () => {
    const planted = bars.map((b, i) => (i === spikeAt ? withClose(b, closeAtSigmas(20)) : b));
    const issues = feed(new PriceOutlierDetector(DBB), planted);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ type: 'price_outlier', windowStartUs: bars[spikeAt].eventTime });
    expect(issues[0].evidence.sigmas).toBeCloseTo(20, 1);
  });

  it('flags a jump that persists once, then accepts the new level', () => {
    const factor = Number(closeAtSigmas(20)) / Number(bars[spikeAt - 1].close);
    const shifted = bars.map((b, i) => (i >= spikeAt && localDate(b.eventTime) === DAY ? withClose(b, price(Number(b.close) * factor)) : b));
    const issues = feed(new PriceOutlierDetector(DBB), shifted);
    expect(issues.map((i) => i.windowStartUs)).toEqual([bars[spikeAt].eventTime]);
  });

  it('raises nothing for a 7-for-1 split whose factors change between two bars (1 to 1/7, raw close 7x lower)', () => {
    const split = bars.map((b, i) => (i < spikeAt ? { ...b, close: price(Number(b.close) * 7) } : { ...b, splitFactor: 1 / 7 }));
    expect(feed(new PriceOutlierDetector(DBB), split)).toEqual([]);
  });

  it('raises nothing for a back-adjusted split, and still catches a spike after it', () => {
    const split = bars.map((b, i) => (i < spikeAt ? { ...b, close: price(Number(b.close) * 7), splitFactor: 1 / 7 } : b));
    expect(feed(new PriceOutlierDetector(DBB), split)).toEqual([]);
    const later = spikeAt + 20;
    const spiked = split.map((b, i) => (i === later ? withClose(b, price(Number(b.close) * 1.05)) : b));
    expect(feed(new PriceOutlierDetector(DBB), spiked).map((i) => i.windowStartUs)).toEqual([bars[later].eventTime]);
  });

  it('never compares across the overnight gap', () => {
    const gapped = bars.map((b) => (localDate(b.eventTime) === DAY ? withClose(b, price(Number(b.close) * 1.1)) : b));
    expect(feed(new PriceOutlierDetector(DBB), gapped).filter((i) => localDate(i.windowStartUs) === DAY)).toEqual([]);
  });
});

describe('price outliers by rule', () => {
  it('judges nothing before minPeriods returns', () => {
    const quiet = Array.from({ length: 30 }, (_, i) => testBar(new Date(Date.parse('2024-05-03T14:00Z') + i * 60_000).toISOString(), i % 2 ? '20.01000000' : '20.00000000'));
    const jump = testBar('2024-05-03T14:30Z', '30.00000000');
    expect(feed(new PriceOutlierDetector(DBB), [...quiet, jump])).toEqual([]);
    expect(feed(new PriceOutlierDetector(DBB, { minPeriods: 20 }), [...quiet, jump])).toHaveLength(1);
  });

  it('ignores pre- and post-market bars unless configured', () => {
    const pre = Array.from({ length: 30 }, (_, i) => testBar(new Date(Date.parse('2024-05-03T12:00Z') + i * 60_000).toISOString(), i % 2 ? '20.01000000' : '20.00000000'));
    const jump = testBar('2024-05-03T12:30Z', '30.00000000');
    expect(feed(new PriceOutlierDetector(DBB, { minPeriods: 20 }), [...pre, jump])).toEqual([]);
    expect(feed(new PriceOutlierDetector(DBB, { minPeriods: 20, extendedHours: true }), [...pre, jump])).toHaveLength(1);
  });
});
