import { dbbFeatureBars } from './dbb-series.fixture';
import { minuteBar, run } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';
import { VwapIndicator } from './vwap.indicator';

const spec = (session: 'regular' | 'extended' = 'regular') => IndicatorSpecSchema.parse({ kind: 'vwap', name: 'vwap', session }) as SpecOf<'vwap'>;
const MINUTE = 60_000_000;

describe('VwapIndicator', () => {
  // 2024-03-05 (EST): 09:00 pre-market, 09:30 and 09:31 regular, 16:05 post-market, then 09:00 next day.
  const day = [
    minuteBar(-30, 50, { volume: 1000 }),
    minuteBar(0, 10, { high: 12, low: 8, volume: 100 }),
    minuteBar(1, 13, { volume: 300 }),
    minuteBar(395, 99, { volume: 500 }),
    minuteBar(1410, 20, { volume: 10 }),
  ];

  it('anchors to the regular session: pre- and post-market bars do not count, the day carries until the next date', () => {
    expect(run(new VwapIndicator(spec()), day, 'vwap')).toEqual([null, 10, (10 * 100 + 13 * 300) / 400, (10 * 100 + 13 * 300) / 400, null]);
  });

  it('counts every bar of the New York date with session extended, and resets at its midnight', () => {
    expect(run(new VwapIndicator(spec('extended')), day, 'vwap')).toEqual([50, (50_000 + 1000) / 1100, (50_000 + 1000 + 3900) / 1400, (50_000 + 1000 + 3900 + 49_500) / 1900, 20]);
  });

  it('stops counting at a 13:00 early close (2024-07-03) and counts nothing on a holiday (2024-07-04)', () => {
    const earlyOpen = Date.UTC(2024, 6, 3, 13, 30) * 1000;
    const bars = [minuteBar(0, 10, {}, earlyOpen), minuteBar(210, 30, {}, earlyOpen), minuteBar(1440, 40, {}, earlyOpen)];
    expect(run(new VwapIndicator(spec()), bars, 'vwap')).toEqual([10, 10, null]);
  });

  it('ignores zero-volume bars and gives null, not NaN, before any volume', () => {
    const bars = [minuteBar(0, 10, { volume: 0 }), minuteBar(1, 20, { volume: 5 })];
    expect(run(new VwapIndicator(spec()), bars, 'vwap')).toEqual([null, 20]);
  });

  it('equals sum(typical price x volume) / sum(volume) over a real DBB session (2023-07-10)', () => {
    const open = Date.UTC(2023, 6, 10, 13, 30) * 1000;
    const bars = dbbFeatureBars().filter((b) => b.eventTime >= open - 120 * MINUTE && b.eventTime < open + 24 * 60 * MINUTE);
    const regular = bars.filter((b) => b.eventTime >= open && b.eventTime < open + 390 * MINUTE);
    expect(regular.length).toBeGreaterThan(50);
    const expected = regular.reduce((a, b) => a + ((b.high + b.low + b.close) / 3) * b.volume, 0) / regular.reduce((a, b) => a + b.volume, 0);
    const out = run(new VwapIndicator(spec()), bars, 'vwap');
    const atClose = out[bars.indexOf(regular[regular.length - 1])]!;
    expect(Math.abs(atClose - expected) / expected).toBeLessThan(1e-12);
  });
});
