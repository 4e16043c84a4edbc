import type { Timeframe } from '@md/contracts';

// A quality finding, as published on md.quality.issues.v1 (schemas/md.quality.issues.v1.avsc)
// and stored in quality_issues. Identity: (symbol, timeframe, type, windowStartUs); a detector
// emits each real problem once, and the sink upserts on that identity.
export type QualityIssueType =
  | 'missing_bars'
  | 'missing_session'
  | 'stale'
  | 'price_outlier'
  | 'volume_anomaly'
  | 'duplicate'
  | 'ohlc_violation'
  | 'zone_mislabel'
  | 'provider_disagreement'
  /** Not a problem: a finished day's score (expected vs observed session minutes), for the report. */
  | 'completeness';

export type QualitySeverity = 'info' | 'warning' | 'critical';

export interface QualityIssue {
  type: QualityIssueType;
  severity: QualitySeverity;
  symbol: string;
  timeframe: string;
  /** UTC epoch microseconds. */
  windowStartUs: number;
  windowEndUs: number;
  /** The numbers that show the problem; JSON-serialisable. */
  evidence: Record<string, unknown>;
}

/** The stream a detector instance watches: one (symbol, timeframe). */
export interface QualityStream {
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

export function issueKey(issue: QualityIssue): string {
  return `${issue.symbol}|${issue.timeframe}|${issue.type}|${issue.windowStartUs}`;
}

export function newIssue(stream: QualityStream, fields: Omit<QualityIssue, 'symbol' | 'timeframe'>): QualityIssue {
  return { ...fields, symbol: stream.symbol, timeframe: stream.timeframe };
}
