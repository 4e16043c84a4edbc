import { newIssue, type QualityIssue, type QualityStream } from './quality-issue';
import { newYorkClock, sessionWindow } from '@md/market';

// Staleness only matters while the regular session is open: a quiet weekend, holiday, early-close
// afternoon or night is not stale. The lag is measured from the later of the last bar and
// today's open, so the first minutes after 09:30 are not stale because of yesterday's close.
// The clock is injected (nowUs), so this is pure and testable.

const MICROS_PER_SECOND = 1_000_000;

/**
 * A `stale` issue when the regular session is open at nowUs and nothing arrived for more than
 * thresholdSeconds; null otherwise. lastEventUs is the latest bar's start (null: none yet), so
 * the threshold should allow one bar's width plus the provider's delay. The issue's identity
 * (windowStartUs = start of the silence) is the same on every call during one silence.
 */
export function staleness(lastEventUs: number | null, nowUs: number, thresholdSeconds: number, stream: QualityStream): QualityIssue | null {
  const window = sessionWindow(newYorkClock(nowUs).date);
  if (!window || nowUs < window.startUs || nowUs >= window.endUs) return null;
  const since = Math.max(lastEventUs ?? window.startUs, window.startUs);
  const lagSeconds = (nowUs - since) / MICROS_PER_SECOND;
  if (lagSeconds <= thresholdSeconds) return null;
  return newIssue(stream, {
    type: 'stale', severity: 'warning', windowStartUs: since, windowEndUs: nowUs,
    evidence: { lastEventUs, nowUs, lagSeconds, thresholdSeconds },
  });
}

export interface StalenessConfig {
  /** Seconds without a new bar, during the regular session, before the stream is stale. */
  thresholdSeconds: number;
}

export const DEFAULT_STALENESS_CONFIG: StalenessConfig = { thresholdSeconds: 300 };

export interface StalenessState {
  lastEventUs: number | null;
  /** windowStartUs of the silence already reported. */
  reportedSinceUs: number | null;
}

/** staleness() with memory: reports each silence once, however often the service checks. */
export class StalenessDetector {
  private readonly config: StalenessConfig;
  private readonly state: StalenessState;

  constructor(private readonly stream: QualityStream, config: Partial<StalenessConfig> = {}, state?: StalenessState) {
    this.config = { ...DEFAULT_STALENESS_CONFIG, ...config };
    this.state = { lastEventUs: null, reportedSinceUs: null, ...state };
  }

  static fromJSON(stream: QualityStream, state: StalenessState, config: Partial<StalenessConfig> = {}): StalenessDetector {
    return new StalenessDetector(stream, config, state);
  }

  toJSON(): StalenessState {
    return { ...this.state };
  }

  observe(bar: { eventTime: number }): QualityIssue[] {
    this.state.lastEventUs = Math.max(this.state.lastEventUs ?? bar.eventTime, bar.eventTime);
    return [];
  }

  /** Called on a timer with the current time. */
  check(nowUs: number): QualityIssue[] {
    const issue = staleness(this.state.lastEventUs, nowUs, this.config.thresholdSeconds, this.stream);
    if (!issue || issue.windowStartUs === this.state.reportedSinceUs) return [];
    this.state.reportedSinceUs = issue.windowStartUs;
    return [issue];
  }
}
