import type { QualityIssueRecord } from '@md/contracts';
import { riskFromQualityIssue } from './risk-from-quality';

const issue = (type: string, severity: QualityIssueRecord['severity']): QualityIssueRecord => ({
  type, severity, symbol: 'DBB', timeframe: '1m', windowStart: Date.parse('2024-03-04T15:00:00Z') * 1000, windowEnd: Date.parse('2024-03-04T15:30:00Z') * 1000,
  evidence: '{"missingBars":30}', detectedAt: 5, availableTime: 6, generation: 0,
});

describe('risk events from quality findings', () => {
  it('passes findings at WARNING or above, a stale feed as stale_feed, with the finding in the metrics', () => {
    expect(riskFromQualityIssue(issue('missing_bars', 'WARNING'))).toEqual({
      type: 'quality_issue', severity: 'WARNING', symbol: 'DBB', accountAlias: null, detectedAt: 6, availableTime: 6,
      metrics: JSON.stringify({ issueType: 'missing_bars', timeframe: '1m', windowStart: '2024-03-04T15:00:00.000Z', windowEnd: '2024-03-04T15:30:00.000Z', evidence: { missingBars: 30 } }),
    });
    expect(riskFromQualityIssue(issue('stale', 'CRITICAL'))).toMatchObject({ type: 'stale_feed', severity: 'CRITICAL' });
    expect(riskFromQualityIssue(issue('bar_revised', 'INFO'))).toBeNull();
    expect(riskFromQualityIssue({ ...issue('price_outlier', 'WARNING'), availableTime: null })?.availableTime).toBe(Date.parse('2024-03-04T15:30:00Z') * 1000);
    // Detected again later (a replay): the same risk event, not a new one.
    expect(riskFromQualityIssue({ ...issue('missing_bars', 'WARNING'), detectedAt: 99 })).toEqual(riskFromQualityIssue(issue('missing_bars', 'WARNING')));
  });
});
