import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RawBar } from '@md/contracts';
import { RevisionLog, cleanBar, newYorkMidnightUs } from '@md/market';
import { DEFAULT_BAR_COLUMNS, csvRowToRawBar } from '@md/providers';
import { CleanBarChecks, RawBarChecks, qualityStream, type QualityChecksConfig, type QualityIssue } from '@md/quality';
import { DBB_MINUTE_FILE, fixturesDir } from '@md/fixtures';

/** A DBB file row as text: `timestamp` is naive UTC 'YYYY-MM-DD HH:MM:SS'. */
export interface CsvBarRow {
  timestamp: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** Real DBB minute rows whose UTC date is in [fromDate, toDate]. */
export function dbbRows(fromDate: string, toDate: string): CsvBarRow[] {
  const lines = readFileSync(join(fixturesDir(), DBB_MINUTE_FILE), 'utf8').trim().split('\n').slice(1);
  return lines
    .map((line) => line.split(','))
    .filter(([t]) => t.slice(0, 10) >= fromDate && t.slice(0, 10) <= toDate)
    .map(([timestamp, open, high, low, close, volume]) => ({ timestamp, open, high, low, close, volume }));
}

export function rowsToCsv(rows: readonly CsvBarRow[]): string {
  return `timestamp,open,high,low,close,volume\n${rows.map((r) => [r.timestamp, r.open, r.high, r.low, r.close, r.volume].join(',')).join('\n')}\n`;
}

/** The raw bars the feed-gateway publishes for these rows (zone UTC, provider 'file'). */
export function rowsToRawBars(rows: readonly CsvBarRow[], symbol: string): RawBar[] {
  const options = { columns: DEFAULT_BAR_COLUMNS, zone: 'UTC', symbol, timeframe: '1m' as const, provider: 'file' };
  return rows.map((r) => csvRowToRawBar(r as unknown as Record<string, string>, options, 0));
}

/**
 * What the quality-monitor must find for these raw bars, computed in-process with the same
 * detectors: raw checks on every bar, clean checks on the bars the preprocessor passes on
 * (valid, first of each revision), plus one 'completeness' row per finished day. The integration
 * tests compare the pipeline's md.quality.issues.v1 with it, identity by identity.
 */
export function expectedQualityIssues(bars: readonly RawBar[], config: QualityChecksConfig): QualityIssue[] {
  const issues: QualityIssue[] = [];
  const symbol = bars[0].symbol;
  const raw = RawBarChecks.fromJSON(qualityStream(symbol, '1m'), config);
  const clean = CleanBarChecks.fromJSON(qualityStream(symbol, '1m'), config);
  const revisions = new RevisionLog({ maxBarsPerSeries: 390, horizonMicros: 24 * 3_600_000_000, maxSeries: 1 });
  for (const bar of bars) {
    issues.push(...raw.observe(bar));
    let cleaned;
    try {
      cleaned = cleanBar(bar);
    } catch {
      continue; // dead-lettered by the preprocessor
    }
    if (!['new', 'revision', 'late'].includes(revisions.decide(cleaned))) continue;
    issues.push(...clean.observe(cleaned));
    for (const day of clean.newlyScoredDays()) {
      const start = newYorkMidnightUs(day.date);
      issues.push({ type: 'completeness', severity: day.ratio >= 0.999 ? 'info' : 'warning', symbol, timeframe: '1m', windowStartUs: start, windowEndUs: start + 86_400_000_000, evidence: { ...day } });
    }
  }
  return issues;
}

export const issueIdentity = (i: { type: string; windowStart?: number; windowStartUs?: number }) => `${i.type}@${i.windowStartUs ?? i.windowStart}`;
