import { TIMEFRAME_MINUTES, type Timeframe } from '@md/contracts';
import { assertFeatureBar, type FeatureBar } from './feature-bar';
import { FeatureStateError, StateReader } from './feature-state-error';
import { sameOrNextDay, type NewYorkDay } from './new-york-day';
import { floor, max, min } from './fast-math';

// Multi-timeframe bars for the features (issue #6, feature-engine item 4): 1-minute bars rolled
// up into 5m, 15m, 1h and 1d bars aligned to the exchange session, not to the UTC clock. Buckets
// start at the 09:30 New York open and run to the close by the calendar, so the hours are
// 09:30-10:30 … 15:30-16:00 (a short last bucket), an early-close day (13:00) ends with
// 12:30-13:00, and 1d is the whole regular session, labelled by its open. Only regular-session
// bars count (default and only mode): pre- and post-market prints are thin, and mixing them into
// the first and last buckets would change their meaning day to day. Note the difference from the
// storage aggregates (bars_1h, bars_1d): those are UTC-aligned time_buckets of every session,
// which only agree with these for 5m and 15m on regular minutes.
//
// Backward-only: a bucket is emitted once it is complete, when a bar at or after its end
// arrives, or when flush(asOf) says the clock has passed its end. A bucket with no 1-minute
// bar (a quiet thin instrument) emits nothing: no invented bars.

export type ResampleTimeframe = Exclude<Timeframe, '1m'>;
export const RESAMPLE_TIMEFRAMES: readonly ResampleTimeframe[] = ['5m', '15m', '1h', '1d'];

/** A coarser bar: the FeatureBar the indicators read, plus what it is made of. */
export interface TimeframeBar extends FeatureBar {
  readonly timeframe: ResampleTimeframe;
  /** End of the bucket (exclusive), UTC micros: the close for the last bucket of a day. */
  readonly endTime: number;
  /** One-minute bars merged into it. */
  readonly barCount: number;
}

const MICROS_PER_MINUTE = 60_000_000;
const STATE_VERSION = 1;

/** [start, end, open, high, low, close, volume, barCount] of the bucket being filled. */
type Bucket = [number, number, number, number, number, number, number, number];

export interface SessionResamplerJson {
  v: number;
  tf: ResampleTimeframe;
  /** Last 1-minute bar taken, and the end of the last bucket emitted: a bar at or before the first, or before the second, is dropped. */
  last: number | null;
  emittedTo: number | null;
  cur: Bucket | null;
}

export class SessionResampler {
  /** The last bar's New York day (derived from `last`, not state). */
  private day: NewYorkDay | null = null;

  private constructor(
    readonly timeframe: ResampleTimeframe,
    private last: number | null,
    private emittedTo: number | null,
    private current: Bucket | null,
  ) {}

  static create(timeframe: ResampleTimeframe): SessionResampler {
    if (!RESAMPLE_TIMEFRAMES.includes(timeframe)) throw new RangeError(`cannot resample to ${timeframe}: one of ${RESAMPLE_TIMEFRAMES.join(', ')}`);
    return new SessionResampler(timeframe, null, null, null);
  }

  /**
   * Takes the next 1-minute bar; returns the bucket it completed, if any. A bar at or before the
   * last one, or inside a bucket already emitted (a late bar after flush), or outside the regular
   * session joins no bucket.
   */
  update(bar: FeatureBar): TimeframeBar[] {
    const t = bar.eventTime;
    if ((this.last !== null && t <= this.last) || (this.emittedTo !== null && t < this.emittedTo)) return [];
    assertFeatureBar(bar);
    this.last = t;
    const out = this.flush(t);
    this.day = sameOrNextDay(this.day, t);
    if (t < this.day.openUs || t >= this.day.closeUs) return out;
    const c = this.current;
    if (c === null) {
      const [start, end] = this.bucketOf(t, this.day);
      this.current = [start, end, bar.open, bar.high, bar.low, bar.close, bar.volume, 1];
    } else {
      c[3] = max(c[3], bar.high);
      c[4] = min(c[4], bar.low);
      c[5] = bar.close;
      c[6] += bar.volume;
      c[7] += 1;
    }
    return out;
  }

  /** Emits the bucket being filled if `asOf` (UTC micros) is at or past its end: the clock says no more bars can join it. */
  flush(asOf: number): TimeframeBar[] {
    const c = this.current;
    if (c === null || asOf < c[1]) return [];
    this.current = null;
    this.emittedTo = c[1];
    const [eventTime, endTime, open, high, low, close, volume, barCount] = c;
    return [{ eventTime, open, high, low, close, volume, timeframe: this.timeframe, endTime, barCount }];
  }

  private bucketOf(t: number, day: NewYorkDay): [number, number] {
    if (this.timeframe === '1d') return [day.openUs, day.closeUs];
    const step = TIMEFRAME_MINUTES[this.timeframe] * MICROS_PER_MINUTE;
    const start = day.openUs + floor((t - day.openUs) / step) * step;
    return [start, min(start + step, day.closeUs)];
  }

  toJSON(): SessionResamplerJson {
    return { v: STATE_VERSION, tf: this.timeframe, last: this.last, emittedTo: this.emittedTo, cur: this.current === null ? null : [...this.current] };
  }

  static fromJSON(json: unknown, timeframe: ResampleTimeframe): SessionResampler {
    if (typeof json !== 'object' || json === null) throw new FeatureStateError('resampler state must be an object');
    const s = json as Partial<SessionResamplerJson>;
    if (s.v !== STATE_VERSION || s.tf !== timeframe) throw new FeatureStateError(`resampler state v${s.v} ${s.tf} cannot restore v${STATE_VERSION} ${timeframe}`);
    const time = (v: unknown, what: string) => {
      if (v !== null && !Number.isSafeInteger(v)) throw new FeatureStateError(`resampler state ${what} must be integer micros or null`);
      return v as number | null;
    };
    let current: Bucket | null = null;
    if (s.cur !== null) {
      const r = StateReader.of(s.cur, 'resampler bucket');
      current = [r.number(), r.number(), r.number(), r.number(), r.number(), r.number(), r.number(), r.number()];
      r.end();
    }
    return new SessionResampler(timeframe, time(s.last, 'last'), time(s.emittedTo, 'emittedTo'), current);
  }
}
