import type { QualityIssueRecord, RiskEventRecord } from '@md/contracts';

// A quality finding at WARNING or above is also a risk event (issue 17): a model trading on a
// symbol with missing bars, an outlier or a stale feed should hear of it where it hears of risk.
// `stale` becomes `stale_feed`, every other type `quality_issue` with the type in the metrics.
// Dated by the finding's availableTime (the end of the bar that revealed it), not by the wall
// clock of the detection: a replay re-detects the finding with the same date and the same
// numbers, so the writer keeps one risk row (risk_events' identity includes the metrics).

export function riskFromQualityIssue(issue: QualityIssueRecord): RiskEventRecord | null {
  if (issue.severity === 'INFO') return null;
  let evidence: unknown;
  try {
    evidence = JSON.parse(issue.evidence);
  } catch {
    evidence = issue.evidence;
  }
  const metrics = {
    issueType: issue.type, timeframe: issue.timeframe, windowStart: new Date(issue.windowStart / 1000).toISOString(),
    windowEnd: new Date(issue.windowEnd / 1000).toISOString(), evidence,
  };
  return {
    type: issue.type === 'stale' ? 'stale_feed' : 'quality_issue', severity: issue.severity, symbol: issue.symbol, accountAlias: null,
    metrics: JSON.stringify(metrics), detectedAt: issue.availableTime ?? issue.windowEnd, availableTime: issue.availableTime ?? issue.windowEnd,
  };
}
