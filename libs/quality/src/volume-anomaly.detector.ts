import { type RawBar, TIMEFRAME_MINUTES } from '@md/contracts';
import { MICROS_PER_MINUTE, barDate, clockText, newYorkClock, sessionWindow } from '@md/market';
import { newIssue, type QualityIssue, type QualityStream } from './quality-issue';
import { median, robustScale } from './robust-stats';

// Volume against the time-of-day profile: volume has a U shape over the regular session (Jain &
// Joh 1988, JFQA 23(3)), so a bucket is compared with the same bucket of the symbol's own recent
// sessions, not with the day's mean. Bucket volume is close to log-normal (Ajinkya & Jain 1989,
// J. Accounting & Economics 11(4)), so the rule works on ln(1 + volume): the bucket is anomalous
// when it is more than `sigmas` robust standard deviations (1.4826 x MAD, Rousseeuw & Croux
// 1993) above the bucket's median. The scale is learned per symbol and bucket, so a thin ETF's
// block prints (a wide log-volume spread) and a liquid symbol's steady flow each get their own
// bound. A bucket's running total is judged as bars arrive (an upper test, so a partial total
// can only under-flag) and flagged once. Daily bars have one bucket: the whole session.

export interface VolumeAnomalyConfig {
  /** Width of a time-of-day bucket of the regular session, from the open (at least one bar's width). */
  bucketMinutes: number;
  /** Sessions in the rolling profile. */
  lookbackSessions: number;
  /** Sessions the profile needs before a bucket is judged. */
  minSessions: number;
  /**
   * A bucket is anomalous this many robust sigmas of ln(1 + volume) above its median. 3.6: a
   * one-sided normal tail of 1.6e-4, so 26 buckets a day expect one false alarm in about 250
   * trading days (26 x 1.6e-4 = 0.0042 a day) when log volume is normal.
   */
  sigmas: number;
  /** Smallest scale of ln(1 + volume): a bucket whose recent sessions were alike is not flagged for a few percent more. ln 2 / 3.6: never below a doubling. */
  minLogScale: number;
  /** Deprecated fixed rule: when set, a bucket above this many times its median is anomalous, whatever its spread. */
  multiple?: number;
  /** Buckets whose median is below this are not judged (a usually empty bucket has no profile to compare with). */
  minMedianVolume: number;
}

export const DEFAULT_VOLUME_ANOMALY_CONFIG: VolumeAnomalyConfig = {
  bucketMinutes: 15,
  lookbackSessions: 20,
  minSessions: 10,
  sigmas: 3.6,
  minLogScale: Math.LN2 / 3.6,
  minMedianVolume: 1,
};

export interface VolumeAnomalyState {
  lastEventUs: number | null;
  /** The current session: its New York date, bucket totals so far, buckets already flagged. */
  date: string | null;
  today: number[];
  flagged: number[];
  /** Per bucket, the totals of the last sessions, oldest first. */
  history: number[][];
}

type VolumeBar = Pick<RawBar, 'eventTime' | 'volume'>;

export class VolumeAnomalyDetector {
  private readonly config: VolumeAnomalyConfig;
  private readonly state: VolumeAnomalyState;

  constructor(private readonly stream: QualityStream, config: Partial<VolumeAnomalyConfig> = {}, state?: VolumeAnomalyState) {
    this.config = { ...DEFAULT_VOLUME_ANOMALY_CONFIG, ...config };
    this.state = state ? structuredClone(state) : { lastEventUs: null, date: null, today: [], flagged: [], history: [] };
  }

  static fromJSON(stream: QualityStream, state: VolumeAnomalyState, config: Partial<VolumeAnomalyConfig> = {}): VolumeAnomalyDetector {
    return new VolumeAnomalyDetector(stream, config, state);
  }

  toJSON(): VolumeAnomalyState {
    return structuredClone(this.state);
  }

  observe(bar: VolumeBar): QualityIssue[] {
    if (this.state.lastEventUs !== null && bar.eventTime <= this.state.lastEventUs) return [];
    this.state.lastEventUs = bar.eventTime;
    const date = barDate(bar.eventTime, this.stream.timeframe);
    const window = sessionWindow(date);
    const bucket = this.bucketOf(bar.eventTime, date);
    if (!window || bucket < 0 || bucket >= this.bucketCount(date)) return []; // outside the regular session
    if (date !== this.state.date) this.startSession(date);
    this.state.today[bucket] += bar.volume;
    return this.judge(bucket, date);
  }

  private width(): number {
    return Math.max(this.config.bucketMinutes, TIMEFRAME_MINUTES[this.stream.timeframe]);
  }

  private bucketOf(eventTimeUs: number, date: string): number {
    if (this.stream.timeframe === '1d') return 0;
    const window = sessionWindow(date);
    return window ? Math.floor((newYorkClock(eventTimeUs).minute - window.startMinute) / this.width()) : -1;
  }

  private bucketCount(date: string): number {
    const window = sessionWindow(date);
    if (!window) return 0;
    return this.stream.timeframe === '1d' ? 1 : Math.ceil((window.endMinute - window.startMinute) / this.width());
  }

  /** Closes the previous session into the profile (its empty buckets count as 0) and opens `date`. */
  private startSession(date: string): void {
    const { state } = this;
    state.today.forEach((total, bucket) => {
      const series = (state.history[bucket] ??= []);
      series.push(total);
      series.splice(0, Math.max(0, series.length - this.config.lookbackSessions));
    });
    state.date = date;
    state.today = new Array(this.bucketCount(date)).fill(0);
    state.flagged = [];
  }

  private judge(bucket: number, date: string): QualityIssue[] {
    const series = this.state.history[bucket] ?? [];
    if (this.state.flagged.includes(bucket) || series.length < this.config.minSessions) return [];
    const typical = median(series);
    const volume = this.state.today[bucket];
    if (typical < this.config.minMedianVolume) return [];
    const rule = this.config.multiple !== undefined ? this.fixedRule(volume, typical) : this.robustRule(volume, series);
    if (!rule) return [];
    this.state.flagged.push(bucket);
    return [this.issue(bucket, date, volume, typical, series.length, rule)];
  }

  private fixedRule(volume: number, typical: number): Record<string, number> | null {
    return volume > this.config.multiple! * typical ? { multiple: this.config.multiple! } : null;
  }

  /** Evidence when ln(1 + volume) is more than `sigmas` robust sigmas above the bucket's median, else null. */
  private robustRule(volume: number, series: readonly number[]): Record<string, number> | null {
    const { median: center, scale } = robustScale(series.map((v) => Math.log1p(v)));
    const logScale = Math.max(scale, this.config.minLogScale);
    const z = (Math.log1p(volume) - center) / logScale;
    return z > this.config.sigmas ? { robustZ: Math.round(z * 100) / 100, sigmas: this.config.sigmas, logScale: Math.round(logScale * 1000) / 1000 } : null;
  }

  private issue(bucket: number, date: string, volume: number, typical: number, sessions: number, rule: Record<string, number>): QualityIssue {
    const window = sessionWindow(date)!;
    const startMinute = window.startMinute + bucket * this.width();
    const start = window.startUs + bucket * this.width() * MICROS_PER_MINUTE;
    const end = this.stream.timeframe === '1d' ? window.endUs : Math.min(window.endUs, start + this.width() * MICROS_PER_MINUTE);
    return newIssue(this.stream, {
      type: 'volume_anomaly', severity: 'warning', windowStartUs: start, windowEndUs: end,
      evidence: { date, bucket: this.stream.timeframe === '1d' ? 'session' : clockText(startMinute), bucketMinutes: (end - start) / MICROS_PER_MINUTE, volume, median: typical, ratio: volume / typical, sessions, ...rule },
    });
  }
}
