import { type RawBar, TIMEFRAME_MINUTES, timeframeMicros } from '@md/contracts';
import { MICROS_PER_MINUTE, barDate, sessionWindow, tradingDatesBetween } from '@md/market';
import { newIssue, type QualityIssue, type QualityStream } from './quality-issue';
import {
  DEFAULT_TRADE_PROFILE_CONFIG, activityFactor, emptyRunLogProbability, emptyTradeProfile, expectedTradedSlots, learnDay,
  type TradeProfileConfig, type TradeProfileState,
} from './trade-profile';

// Missing bars by the exchange calendar: only slots inside a session window can be missing, so
// weekends, holidays, special closures and the afternoon of a 13:00 early close never are. A thin
// instrument has quiet minutes without trades (data README: a bar exists only for minutes with
// trades), so a run of empty slots is a finding only when it is improbable for this symbol, at
// this time of day, on a day as busy as today has been so far (trade-profile.ts). The profile is
// learned from the stream's own finished days, so no per-symbol setting is needed.

/** Slots in a full regular session of 1-minute bars (09:30-16:00, NYSE Rule 7.34(a)(2)). */
const REGULAR_SESSION_MINUTES = 390;

export interface MissingBarsConfig {
  /**
   * At most one false alarm per this many trading days per stream, if the profile were exact.
   * Each flagged run has one first empty slot, and the chance that a given slot starts a run
   * improbable below theta is below theta, so a session of S slots expects at most S x theta false
   * alarms (a union bound): theta = 1 / (falseAlarmDays x S). 1000 (theta = 2.6e-6 for 1m bars):
   * a desk watching 100 symbols gets one false page in about 10 trading days. Real trades cluster
   * more than the model says, so the measured rate is higher (README, Data quality).
   */
  falseAlarmDays: number;
  /** Deprecated fixed rule: when set, a run longer than this many minutes is an issue, whatever the symbol's liquidity. */
  quietGapMinutes?: number;
  /** The learned time-of-day profile of trade probability. */
  profile: Partial<TradeProfileConfig>;
  /** Expect bars in the pre- and post-market too (04:00 to 20:00, 17:00 after an early close). */
  extendedHours: boolean;
  /** A gap of more whole sessions than this is one issue (a listing pause), not one per day. */
  maxSessionIssuesPerGap: number;
  /** Finished days whose completeness the state keeps. */
  completenessDays: number;
}

export const DEFAULT_MISSING_BARS_CONFIG: MissingBarsConfig = {
  falseAlarmDays: 1000,
  profile: {},
  extendedHours: false,
  maxSessionIssuesPerGap: 30,
  completenessDays: 10,
};

/** Session minutes of one New York day: expected by the calendar, observed with a bar, missing inside flagged gaps. */
export interface DayCompleteness {
  date: string;
  expectedMinutes: number;
  missingMinutes: number;
  observedMinutes: number;
  /** 1 - missing / expected (minutes outside flagged gaps), for md_quality_completeness_ratio. */
  ratio: number;
}

export interface MissingBarsState {
  lastEventUs: number | null;
  /** The last bar's New York date, minutes found missing, session minutes with a bar, slots with a bar per bucket; partial: the stream began that day. */
  day: { date: string; missingMinutes: number; observedMinutes: number; traded: number[]; partial: boolean } | null;
  profile: TradeProfileState;
  completed: DayCompleteness[];
}

type TimedBar = Pick<RawBar, 'eventTime'>;

export class MissingBarsDetector {
  private readonly config: MissingBarsConfig;
  private readonly profileConfig: TradeProfileConfig;
  private readonly state: MissingBarsState;

  constructor(private readonly stream: QualityStream, config: Partial<MissingBarsConfig> = {}, state?: MissingBarsState) {
    this.config = { ...DEFAULT_MISSING_BARS_CONFIG, ...config };
    this.profileConfig = { ...DEFAULT_TRADE_PROFILE_CONFIG, ...this.config.profile };
    this.state = state ? structuredClone(state) : { lastEventUs: null, day: null, profile: emptyTradeProfile(), completed: [] };
    // A state checkpointed before the profile existed starts one from the prior.
    this.state.profile ??= emptyTradeProfile();
    if (this.state.day) this.state.day = { ...this.state.day, observedMinutes: this.state.day.observedMinutes ?? 0, traded: this.state.day.traded ?? [] };
  }

  static fromJSON(stream: QualityStream, state: MissingBarsState, config: Partial<MissingBarsConfig> = {}): MissingBarsDetector {
    return new MissingBarsDetector(stream, config, state);
  }

  toJSON(): MissingBarsState {
    return structuredClone(this.state);
  }

  /** Finished days, oldest first (the first, partial day of a stream is not scored). */
  completeness(): DayCompleteness[] {
    return structuredClone(this.state.completed);
  }

  /** Finished days after `date` (all when null), oldest first; cheap when there are none, as on most bars. */
  completedAfter(date: string | null): DayCompleteness[] {
    const done = this.state.completed;
    if (!done.length || (date !== null && done[done.length - 1].date <= date)) return [];
    return structuredClone(done.filter((d) => date === null || d.date > date));
  }

  /** ln of the largest empty-run probability that is still normal. */
  private logThreshold(): number {
    const slots = Math.ceil(REGULAR_SESSION_MINUTES / TIMEFRAME_MINUTES[this.stream.timeframe]);
    return -Math.log(this.config.falseAlarmDays * slots);
  }

  observe(bar: TimedBar): QualityIssue[] {
    const previous = this.state.lastEventUs;
    if (previous !== null && bar.eventTime <= previous) return []; // replayed or late: judged already
    this.state.lastEventUs = bar.eventTime;
    const date = barDate(bar.eventTime, this.stream.timeframe);
    const day = this.state.day;
    if (previous === null || day === null) {
      this.state.day = newDay(date, true);
      this.count(bar.eventTime);
      return [];
    }
    if (date === day.date) {
      const issues = this.gap(previous, bar.eventTime, date);
      this.count(bar.eventTime);
      return issues;
    }
    const issues = this.gap(previous, bar.eventTime, day.date);
    this.finishDay();
    issues.push(...this.missingSessions(tradingDatesBetween(day.date, date), previous, bar.eventTime));
    this.state.day = newDay(date, false);
    issues.push(...this.gap(previous, bar.eventTime, date));
    this.count(bar.eventTime);
    return issues;
  }

  private slotMicros(): number {
    return timeframeMicros(this.stream.timeframe);
  }

  /** The profile bucket of the slot starting at `us` in a session starting at `startUs`. */
  private bucketOf(us: number, startUs: number): number {
    const width = Math.max(this.profileConfig.bucketMinutes, TIMEFRAME_MINUTES[this.stream.timeframe]);
    return Math.floor((us - startUs) / MICROS_PER_MINUTE / width);
  }

  /** The bucket of each slot starting in [fromUs, toUs) of a session starting at `startUs`. */
  private slotBuckets(fromUs: number, toUs: number, startUs: number): number[] {
    const buckets: number[] = [];
    for (let t = fromUs; t < toUs; t += this.slotMicros()) buckets.push(this.bucketOf(t, startUs));
    return buckets;
  }

  /** A bar inside today's session: one more observed slot for the day and its bucket. */
  private count(eventUs: number): void {
    if (this.stream.timeframe === '1d') return;
    const window = sessionWindow(this.state.day!.date, this.config.extendedHours);
    if (!window || eventUs < window.startUs || eventUs >= window.endUs) return;
    const day = this.state.day!;
    const bucket = this.bucketOf(eventUs, window.startUs);
    while (day.traded.length <= bucket) day.traded.push(0);
    day.traded[bucket] += 1;
    day.observedMinutes += Math.min(TIMEFRAME_MINUTES[this.stream.timeframe], (window.endUs - eventUs) / MICROS_PER_MINUTE);
  }

  /** The part of the gap between two bars that falls in one date's session, if improbable for the symbol (or longer than the fixed quiet threshold). */
  private gap(previousUs: number, nextUs: number, date: string): QualityIssue[] {
    if (this.stream.timeframe === '1d') return [];
    const window = sessionWindow(date, this.config.extendedHours);
    if (!window) return [];
    const start = Math.max(previousUs + this.slotMicros(), window.startUs);
    const end = Math.min(nextUs, window.endUs);
    const minutes = (end - start) / MICROS_PER_MINUTE;
    if (minutes <= 0) return [];
    const judged = this.config.quietGapMinutes !== undefined ? this.fixedRule(minutes) : this.liquidityRule(start, end, window.startUs);
    if (!judged) return [];
    this.state.day!.missingMinutes += minutes;
    const missingBars = Math.ceil((end - start) / this.slotMicros());
    return [newIssue(this.stream, {
      type: 'missing_bars', severity: 'warning', windowStartUs: start, windowEndUs: end,
      evidence: { date, missingBars, missingMinutes: minutes, ...judged, previousBarUs: previousUs, nextBarUs: nextUs },
    })];
  }

  private fixedRule(minutes: number): Record<string, number> | null {
    const quietGapMinutes = this.config.quietGapMinutes!;
    return minutes > quietGapMinutes ? { quietGapMinutes } : null;
  }

  /** Evidence when P(all these slots empty | profile, today's activity so far) is below the threshold, else null. */
  private liquidityRule(start: number, end: number, sessionStartUs: number): Record<string, number> | null {
    const { profile } = this.state;
    const day = this.state.day!;
    // Today so far: the slots from the open up to the gap, and how many had a bar.
    const expected = expectedTradedSlots(profile, this.slotBuckets(sessionStartUs, start, sessionStartUs), this.profileConfig);
    const observed = day.traded.reduce((a, b) => a + b, 0);
    const activity = activityFactor(observed, expected, this.profileConfig);
    const logP = emptyRunLogProbability(profile, this.slotBuckets(start, end, sessionStartUs), activity, this.profileConfig);
    const logThreshold = this.logThreshold();
    if (logP >= logThreshold) return null;
    return { emptyRunLog10Probability: round(logP / Math.LN10), thresholdLog10: round(logThreshold / Math.LN10), activity: round(activity) };
  }

  private missingSessions(dates: string[], previousUs: number, nextUs: number): QualityIssue[] {
    for (const date of dates) this.record(date, this.sessionMinutes(date), 0);
    if (dates.length === 0) return [];
    const runs = dates.length > this.config.maxSessionIssuesPerGap ? [dates] : dates.map((d) => [d]);
    return runs.map((run) => newIssue(this.stream, {
      type: 'missing_session', severity: 'critical',
      windowStartUs: sessionWindow(run[0], this.config.extendedHours)!.startUs,
      windowEndUs: sessionWindow(run[run.length - 1], this.config.extendedHours)!.endUs,
      evidence: { firstDate: run[0], lastDate: run[run.length - 1], sessions: run.length, previousBarUs: previousUs, nextBarUs: nextUs },
    }));
  }

  private sessionMinutes(date: string): number {
    const window = sessionWindow(date, this.config.extendedHours);
    return window ? (window.endUs - window.startUs) / MICROS_PER_MINUTE : 0;
  }

  /** Scores the day and, unless it is the stream's partial first day, teaches the profile its slots. */
  private finishDay(): void {
    const day = this.state.day!;
    const window = sessionWindow(day.date, this.config.extendedHours);
    if (day.partial || !window) return;
    // A daily bar stands for its whole session.
    if (this.stream.timeframe === '1d') return this.record(day.date, 0, this.sessionMinutes(day.date));
    this.record(day.date, day.missingMinutes, day.observedMinutes);
    const slots: number[] = [];
    for (const b of this.slotBuckets(window.startUs, window.endUs, window.startUs)) slots[b] = (slots[b] ?? 0) + 1;
    this.state.profile = learnDay(this.state.profile, day.traded, slots, this.profileConfig);
  }

  private record(date: string, missingMinutes: number, observedMinutes: number): void {
    const expectedMinutes = this.sessionMinutes(date);
    this.state.completed.push({ date, expectedMinutes, missingMinutes, observedMinutes, ratio: (expectedMinutes - missingMinutes) / expectedMinutes });
    this.state.completed.splice(0, Math.max(0, this.state.completed.length - this.config.completenessDays));
  }
}

function newDay(date: string, partial: boolean): NonNullable<MissingBarsState['day']> {
  return { date, missingMinutes: 0, observedMinutes: 0, traded: [], partial };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
