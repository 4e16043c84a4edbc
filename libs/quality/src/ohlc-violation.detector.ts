import { InvalidRecordError, type RawBar, timeframeMicros } from '@md/contracts';
import { barViolations } from '@md/market';
import { newIssue, type QualityIssue, type QualityStream } from './quality-issue';

// OHLC invariants of raw input (validate-bar.ts): the preprocessor dead-letters such bars; the
// monitor reports them so a provider's bad prints show up per symbol and day.

/** Bar starts reported recently, so a re-fed bar is not reported twice. */
const REPORTED_LIMIT = 1000;

export interface OhlcViolationState {
  reported: number[];
}

function problemsOf(bar: RawBar): string[] {
  try {
    return barViolations(bar);
  } catch (err) {
    if (err instanceof InvalidRecordError) return [err.message]; // a price that is not a decimal at all
    throw err;
  }
}

/** The violation issue of one bar, or null when the bar is valid. */
export function ohlcViolation(stream: QualityStream, bar: RawBar): QualityIssue | null {
  const problems = problemsOf(bar);
  if (problems.length === 0) return null;
  return newIssue(stream, {
    type: 'ohlc_violation', severity: 'critical', windowStartUs: bar.eventTime, windowEndUs: bar.eventTime + timeframeMicros(stream.timeframe),
    evidence: { problems, provider: bar.provider, revision: bar.revision, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume },
  });
}

export class OhlcViolationDetector {
  private readonly reported: number[];

  constructor(private readonly stream: QualityStream, state?: OhlcViolationState) {
    this.reported = [...(state?.reported ?? [])];
  }

  static fromJSON(stream: QualityStream, state: OhlcViolationState): OhlcViolationDetector {
    return new OhlcViolationDetector(stream, state);
  }

  toJSON(): OhlcViolationState {
    return { reported: [...this.reported] };
  }

  observe(bar: RawBar): QualityIssue[] {
    const issue = ohlcViolation(this.stream, bar);
    if (!issue || this.reported.includes(bar.eventTime)) return [];
    this.reported.push(bar.eventTime);
    this.reported.splice(0, Math.max(0, this.reported.length - REPORTED_LIMIT));
    return [issue];
  }
}
