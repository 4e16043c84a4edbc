import { timeframeMicros, type QualityIssueRecord, type RawBar, type RestatementRecord } from '@md/contracts';
import type { AdjustmentChange } from '@md/market';
import { barVersion, type BarVersion } from './recent-bar-versions';

/** The complete schedule as Avro segments ([from, to)), plus the changed range. */
export function toRestatement(symbol: string, change: AdjustmentChange, publishedAt: number): RestatementRecord {
  let from: number | null = null;
  const segments = change.schedule.map((s) => {
    const seg = { fromTime: from, toTime: s.untilExclusiveUs, splitFactor: s.splitFactor, dividendFactor: s.dividendFactor };
    from = s.untilExclusiveUs;
    return seg;
  });
  const first = change.changed[0];
  const last = change.changed[change.changed.length - 1];
  return { symbol, segments, changedFrom: first.fromUs, changedTo: last.untilExclusiveUs, cause: change.cause, publishedAt };
}

/** The issue type of a bar replaced by a higher revision with other content (README, Data quality). */
export const BAR_REVISED = 'bar_revised';

/**
 * A finished bar was replaced by a later-settled version with other content (a REST bar over the
 * live one, an Alpaca `u` update): INFO, since that is the revision rule working, with both
 * versions in the evidence (`old` null when this instance no longer holds it; `bar_revisions` in
 * the database has it). Available when the new version was read.
 */
export function toBarRevisedIssue(bar: RawBar, old: BarVersion | undefined, detectedAt: number, generation: number): QualityIssueRecord {
  const evidence = { old: old ?? null, new: barVersion(bar) };
  return {
    type: BAR_REVISED, severity: 'INFO', symbol: bar.symbol, timeframe: bar.timeframe,
    windowStart: bar.eventTime, windowEnd: bar.eventTime + timeframeMicros(bar.timeframe),
    evidence: JSON.stringify(evidence), detectedAt, availableTime: bar.ingestTime, generation,
  };
}

/** A bar still forming when its new version was read (an Alpaca `d` day so far) grows; it is not revised. */
export const barWasFinished = (bar: RawBar): boolean => bar.ingestTime >= bar.eventTime + timeframeMicros(bar.timeframe);
