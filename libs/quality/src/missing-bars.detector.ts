import { type RawBar, timeframeMicros } from '@md/contracts';
import { MICROS_PER_MINUTE, barDate, sessionWindow, tradingDatesBetween } from '@md/market';
import { newIssue, type QualityIssue, type QualityStream } from './quality-issue';

// Missing bars by the exchange calendar: only minutes inside a session window can be missing,
// so weekends, holidays, special closures and the afternoon of a 13:00 early close never are.
// A thin instrument has quiet minutes without trades; quietGapMinutes says how long a quiet
// run may be before it counts (data README: empty minutes are not errors by themselves).

export interface MissingBarsConfig {
  /** Longest run of empty session minutes that is normal for the symbol; a longer run is one issue. 0: every missing minute counts. */
  quietGapMinutes: number;
  /** Expect bars in the pre- and post-market too (04:00 to 20:00, 17:00 after an early close). */
  extendedHours: boolean;
  /** A gap of more whole sessions than this is one issue (a listing pause), not one per day. */
  maxSessionIssuesPerGap: number;
  /** Finished days whose completeness the state keeps. */
  completenessDays: number;
}

export const DEFAULT_MISSING_BARS_CONFIG: MissingBarsConfig = {
  quietGapMinutes: 0,
  extendedHours: false,
  maxSessionIssuesPerGap: 30,
  completenessDays: 10,
};

/** Session minutes of one New York day: expected, and missing counting only gaps beyond the threshold. */
export interface DayCompleteness {
  date: string;
  expectedMinutes: number;
  missingMinutes: number;
  observedMinutes: number;
  /** observed / expected, for md_quality_completeness_ratio. */
  ratio: number;
}

export interface MissingBarsState {
  lastEventUs: number | null;
  /** The last bar's New York date and the minutes found missing on it so far; partial: the stream began that day. */
  day: { date: string; missingMinutes: number; partial: boolean } | null;
  completed: DayCompleteness[];
}

type TimedBar = Pick<RawBar, 'eventTime'>;

export class MissingBarsDetector {
  private readonly config: MissingBarsConfig;
  private readonly state: MissingBarsState;

  constructor(private readonly stream: QualityStream, config: Partial<MissingBarsConfig> = {}, state?: MissingBarsState) {
    this.config = { ...DEFAULT_MISSING_BARS_CONFIG, ...config };
    this.state = state ? structuredClone(state) : { lastEventUs: null, day: null, completed: [] };
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

  observe(bar: TimedBar): QualityIssue[] {
    const previous = this.state.lastEventUs;
    if (previous !== null && bar.eventTime <= previous) return []; // replayed or late: judged already
    this.state.lastEventUs = bar.eventTime;
    const date = barDate(bar.eventTime, this.stream.timeframe);
    const day = this.state.day;
    if (previous === null || day === null) {
      this.state.day = { date, missingMinutes: 0, partial: true };
      return [];
    }
    if (date === day.date) return this.gap(previous, bar.eventTime, date);
    const issues = this.gap(previous, bar.eventTime, day.date);
    this.finishDay();
    issues.push(...this.missingSessions(tradingDatesBetween(day.date, date), previous, bar.eventTime));
    this.state.day = { date, missingMinutes: 0, partial: false };
    issues.push(...this.gap(previous, bar.eventTime, date));
    return issues;
  }

  /** The part of the gap between two bars that falls in one date's session, if longer than the quiet threshold. */
  private gap(previousUs: number, nextUs: number, date: string): QualityIssue[] {
    if (this.stream.timeframe === '1d') return [];
    const window = sessionWindow(date, this.config.extendedHours);
    if (!window) return [];
    const start = Math.max(previousUs + timeframeMicros(this.stream.timeframe), window.startUs);
    const end = Math.min(nextUs, window.endUs);
    const minutes = (end - start) / MICROS_PER_MINUTE;
    if (minutes <= this.config.quietGapMinutes || minutes <= 0) return [];
    this.state.day!.missingMinutes += minutes;
    const missingBars = Math.ceil((end - start) / timeframeMicros(this.stream.timeframe));
    return [newIssue(this.stream, {
      type: 'missing_bars', severity: 'warning', windowStartUs: start, windowEndUs: end,
      evidence: { date, missingBars, missingMinutes: minutes, quietGapMinutes: this.config.quietGapMinutes, previousBarUs: previousUs, nextBarUs: nextUs },
    })];
  }

  private missingSessions(dates: string[], previousUs: number, nextUs: number): QualityIssue[] {
    for (const date of dates) this.record(date, this.sessionMinutes(date));
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

  private finishDay(): void {
    const day = this.state.day!;
    if (!day.partial && this.sessionMinutes(day.date) > 0) this.record(day.date, day.missingMinutes);
  }

  private record(date: string, missingMinutes: number): void {
    const expectedMinutes = this.sessionMinutes(date);
    const observedMinutes = expectedMinutes - missingMinutes;
    this.state.completed.push({ date, expectedMinutes, missingMinutes, observedMinutes, ratio: observedMinutes / expectedMinutes });
    this.state.completed.splice(0, Math.max(0, this.state.completed.length - this.config.completenessDays));
  }
}
