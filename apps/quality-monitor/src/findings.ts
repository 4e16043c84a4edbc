import { type CleanBar, type QualityIssueRecord, type RawBar, timeframeMicros } from '@md/contracts';
import { MICROS_PER_DAY, newYorkMidnightUs, nowMicros } from '@md/market';
import type { CleanBarChecks, DayCompleteness, QualityChecksConfig, QualityIssue } from '@md/quality';
import type { QualityConfig } from './config';

// What the live monitor and its reprocess job share, so a reprocess judges stored bars exactly
// as the live stage judges them: the detectors' settings from the stage's config, a clean bar's
// findings (with the completeness rows of the days it finished), and the published record.


/** The detectors' settings for one symbol, from the stage's config. */
export function checksConfig(c: QualityConfig, symbol: string): QualityChecksConfig {
  return {
    missing: { falseAlarmDays: c.MISSING_BARS_FALSE_ALARM_DAYS, quietGapMinutes: c.QUIET_GAP_MINUTES_BY_SYMBOL?.[symbol] ?? c.QUIET_GAP_MINUTES },
    outlier: { thresholdSigmas: c.OUTLIER_SIGMAS },
    volume: { sigmas: c.VOLUME_ANOMALY_SIGMAS, multiple: c.VOLUME_ANOMALY_MULTIPLE, minMedianVolume: c.VOLUME_MIN_MEDIAN },
    duplicate: {},
    zone: {},
    providers: { toleranceBps: c.PROVIDER_TOLERANCE_BPS },
  };
}

/** A clean bar's findings: the checks' issues, then one 'completeness' row per day the bar finished. */
export function cleanBarFindings(checks: CleanBarChecks, bar: CleanBar): QualityIssue[] {
  const issues = checks.observe(bar);
  for (const day of checks.newlyScoredDays()) issues.push(completenessIssue(bar, day));
  return issues;
}

/** A finished New York day's score, as a row of the report (window: that day's midnight to midnight). */
function completenessIssue(bar: CleanBar, day: DayCompleteness): QualityIssue {
  const start = newYorkMidnightUs(day.date);
  return {
    type: 'completeness', severity: day.ratio >= 0.999 ? 'info' : 'warning', symbol: bar.symbol, timeframe: bar.timeframe,
    windowStartUs: start, windowEndUs: start + MICROS_PER_DAY, evidence: { ...day },
  };
}

/** The md.quality.issues.v1 record; `availableTime` is when the finding could first be known. */
export function toRecord(issue: QualityIssue, availableTime: number, generation: number): QualityIssueRecord {
  return {
    type: issue.type, severity: issue.severity.toUpperCase() as QualityIssueRecord['severity'], symbol: issue.symbol, timeframe: issue.timeframe,
    windowStart: issue.windowStartUs, windowEnd: issue.windowEndUs, evidence: JSON.stringify(issue.evidence), detectedAt: nowMicros(), availableTime, generation,
  };
}

/** The end of a bar: when the findings it revealed could first be known. */
export const barEnd = (bar: RawBar): number => bar.eventTime + timeframeMicros(bar.timeframe);
