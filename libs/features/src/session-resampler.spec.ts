import fc from 'fast-check';
import { dbbFeatureBars } from './dbb-series.fixture';
import type { FeatureBar } from './feature-bar';
import { barSeries } from './feature-bars.fixture';
import { FeatureStateError } from './feature-state-error';
import { newYorkDay } from './new-york-day';
import { RESAMPLE_TIMEFRAMES, SessionResampler, type ResampleTimeframe, type TimeframeBar } from './session-resampler';

const utc = (iso: string) => Date.parse(iso) * 1000;
const MINUTE = 60_000_000;
const iso = (us: number) => new Date(us / 1000).toISOString().slice(11, 16);

/** Everything a resampler emits for a series, with a final flush far in the future. */
function resample(timeframe: ResampleTimeframe, bars: readonly FeatureBar[], splits: ReadonlySet<number> = new Set()): TimeframeBar[] {
  let r = SessionResampler.create(timeframe);
  const out: TimeframeBar[] = [];
  bars.forEach((bar, i) => {
    if (splits.has(i)) r = SessionResampler.fromJSON(JSON.parse(JSON.stringify(r)), timeframe);
    out.push(...r.update(bar));
  });
  return [...out, ...r.flush(Number.MAX_SAFE_INTEGER)];
}

const inRegular = (b: FeatureBar) => {
  const day = newYorkDay(b.eventTime);
  return b.eventTime >= day.openUs && b.eventTime < day.closeUs;
};

/** The bar a bucket should be, aggregated directly from the 1-minute bars inside it. */
function aggregate(bars: readonly FeatureBar[], start: number, end: number): Omit<TimeframeBar, 'timeframe'> | undefined {
  const inside = bars.filter((b) => b.eventTime >= start && b.eventTime < end && inRegular(b));
  if (inside.length === 0) return undefined;
  return {
    eventTime: start, endTime: end, open: inside[0].open, close: inside[inside.length - 1].close, barCount: inside.length,
    high: Math.max(...inside.map((b) => b.high)), low: Math.min(...inside.map((b) => b.low)), volume: inside.reduce((a, b) => a + b.volume, 0),
  };
}

describe('SessionResampler', () => {
  const dbb = dbbFeatureBars();
  const day = (from: string, to: string) => dbb.filter((b) => b.eventTime >= utc(from) && b.eventTime < utc(to));

  it('cuts real DBB minutes of 2023-07-14 into session hours 09:30-10:30 … 15:30-16:00, each the aggregate of its minutes', () => {
    const bars = day('2023-07-14T08:00:00Z', '2023-07-15T08:00:00Z');
    const hours = resample('1h', bars);
    expect(hours.map((h) => `${iso(h.eventTime)}-${iso(h.endTime)}`)).toEqual(['13:30-14:30', '14:30-15:30', '15:30-16:30', '16:30-17:30', '17:30-18:30', '18:30-19:30', '19:30-20:00']);
    for (const h of hours) expect(h).toEqual({ timeframe: '1h', ...aggregate(bars, h.eventTime, h.endTime) });
    expect(bars.some((b) => !inRegular(b))).toBe(true); // pre/post-market minutes were there and left out
  });

  it('ends an early-close day (2024-07-03) at 13:00 New York: last hour 12:30-13:00, 1d 09:30-13:00', () => {
    const bars = day('2024-07-03T08:00:00Z', '2024-07-04T08:00:00Z');
    expect(resample('1h', bars).at(-1)).toMatchObject({ eventTime: utc('2024-07-03T16:30:00Z'), endTime: utc('2024-07-03T17:00:00Z') });
    const [session] = resample('1d', bars);
    expect(session).toEqual({ timeframe: '1d', ...aggregate(bars, utc('2024-07-03T13:30:00Z'), utc('2024-07-03T17:00:00Z')) });
  });

  it('labels a winter 1d bar by its 09:30 EST open (14:30 UTC)', () => {
    const [session] = resample('1d', day('2024-01-09T08:00:00Z', '2024-01-10T08:00:00Z'));
    expect(session).toMatchObject({ eventTime: utc('2024-01-09T14:30:00Z'), endTime: utc('2024-01-09T21:00:00Z') });
  });

  it.each(RESAMPLE_TIMEFRAMES)('conserves every regular minute of the two-year DBB series in %s bars (volume, count, open, close)', (timeframe) => {
    const regular = dbb.filter(inRegular);
    const out = resample(timeframe, dbb);
    expect(out.reduce((a, b) => a + b.barCount, 0)).toBe(regular.length);
    expect(out.reduce((a, b) => a + b.volume, 0)).toBe(regular.reduce((a, b) => a + b.volume, 0));
    expect(out[0].open).toBe(regular[0].open);
    expect(out.at(-1)!.close).toBe(regular.at(-1)!.close);
    expect(out.filter((b, i) => i > 0 && b.eventTime < out[i - 1].endTime)).toEqual([]);
  });

  it('emits a bucket only once complete: when a later bar arrives or flush passes its end', () => {
    const open = utc('2024-03-05T14:30:00Z');
    const r = SessionResampler.create('5m');
    const bar = (minute: number, close: number): FeatureBar => ({ eventTime: open + minute * MINUTE, open: close, high: close, low: close, close, volume: 10 });
    expect(r.update(bar(0, 1))).toEqual([]);
    expect(r.update(bar(4, 2))).toEqual([]);
    expect(r.flush(open + 5 * MINUTE - 1)).toEqual([]);
    expect(r.flush(open + 5 * MINUTE)).toEqual([{ eventTime: open, endTime: open + 5 * MINUTE, open: 1, high: 2, low: 1, close: 2, volume: 20, barCount: 2, timeframe: '5m' }]);
    expect(r.update(bar(7, 3))).toEqual([]);
    expect(r.update(bar(11, 4))).toMatchObject([{ eventTime: open + 5 * MINUTE, close: 3, barCount: 1 }]);
  });

  it('drops a duplicate, an older bar and a late bar of a bucket already emitted', () => {
    const open = utc('2024-03-05T14:30:00Z');
    const r = SessionResampler.create('5m');
    const bar = (minute: number): FeatureBar => ({ eventTime: open + minute * MINUTE, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    r.update(bar(1));
    const before = JSON.stringify(r);
    expect([r.update(bar(1)), r.update(bar(0))]).toEqual([[], []]);
    expect(JSON.stringify(r)).toBe(before);
    r.flush(open + 6 * MINUTE);
    expect(r.update(bar(4))).toEqual([]);
    expect(r.flush(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('never changes or adds an earlier coarse bar when more minutes arrive (no look-ahead)', () => {
    fc.assert(
      fc.property(barSeries(1, 300), fc.nat(), fc.constantFrom(...RESAMPLE_TIMEFRAMES), (bars, at, timeframe) => {
        const t = at % bars.length;
        const r = SessionResampler.create(timeframe);
        const early = bars.slice(0, t + 1).flatMap((b) => r.update(b));
        const all = resample(timeframe, bars);
        return early.every((b, i) => JSON.stringify(b) === JSON.stringify(all[i])) && early.every((b) => b.endTime <= bars[t].eventTime);
      }),
      { numRuns: 200 },
    );
  });

  it('continues identically after JSON checkpoints at random points (random series and real DBB)', () => {
    fc.assert(
      fc.property(barSeries(1, 300), fc.uniqueArray(fc.nat(300), { maxLength: 5 }), fc.constantFrom(...RESAMPLE_TIMEFRAMES), (bars, splits, tf) =>
        JSON.stringify(resample(tf, bars, new Set(splits))) === JSON.stringify(resample(tf, bars)),
      ),
      { numRuns: 200 },
    );
    const reference = resample('15m', dbb);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(dbb.length - 1), { minLength: 1, maxLength: 200 }), (splits) => JSON.stringify(resample('15m', dbb, new Set(splits))) === JSON.stringify(reference)),
      { numRuns: 3 },
    );
  });

  it('refuses a state of another timeframe or a corrupt bucket', () => {
    const r = SessionResampler.create('1h');
    r.update({ eventTime: utc('2024-03-05T14:31:00Z'), open: 1, high: 1, low: 1, close: 1, volume: 1 });
    const json = JSON.parse(JSON.stringify(r));
    expect(() => SessionResampler.fromJSON(json, '5m')).toThrow(FeatureStateError);
    expect(() => SessionResampler.fromJSON({ ...json, cur: [1, 2, 3] }, '1h')).toThrow(FeatureStateError);
    expect(() => SessionResampler.create('1m' as ResampleTimeframe)).toThrow(RangeError);
  });
});
