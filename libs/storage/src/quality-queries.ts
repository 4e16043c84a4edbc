import type { ReportRow } from '@md/quality';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

/** A stored finding, in the report's row shape (libs/quality/src/quality-report.ts). */
export interface QualityIssueRow extends ReportRow {
  detectedAt: string;
}

/**
 * Quality rows whose window starts in [from, to), for some symbols (all when empty), oldest
 * first, at most `limit` (the caller asks for one more to tell whether it was cut).
 */
export async function qualityIssues(db: Queryable, schema: string, q: { from: Date; to: Date; symbols: string[]; limit: number }): Promise<QualityIssueRow[]> {
  const s = sqlIdentifier(schema);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT symbol, timeframe, issue_type, severity, window_start, window_end, evidence, detected_at
       FROM ${s}.quality_issues
      WHERE window_start >= $1 AND window_start < $2 AND (cardinality($3::text[]) = 0 OR symbol = ANY($3::text[]))
      ORDER BY window_start, symbol, timeframe, issue_type
      LIMIT $4`,
    [q.from.toISOString(), q.to.toISOString(), q.symbols, q.limit],
  );
  return rows.map((r) => ({
    symbol: String(r.symbol), timeframe: String(r.timeframe), type: String(r.issue_type), severity: String(r.severity),
    windowStart: new Date(r.window_start as string).toISOString(), windowEnd: new Date(r.window_end as string).toISOString(),
    evidence: (typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence) as Record<string, unknown>,
    detectedAt: new Date(r.detected_at as string).toISOString(),
  }));
}
