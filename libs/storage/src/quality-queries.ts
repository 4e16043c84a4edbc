import type { ReportRow } from '@md/quality';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

/** A stored finding, in the report's row shape (libs/quality/src/quality-report.ts). */
export interface QualityIssueRow extends ReportRow {
  detectedAt: string;
  /** When it could first be known; rows stored before that column existed: their window's end. */
  availableTime: string;
  generation: number;
}

/**
 * Quality rows whose window starts in [from, to), for some symbols (all when empty), oldest
 * first, at most `limit`; with `asOf`, only those known by then (derived-queries.ts on the
 * fallback). The report asks for one more than it shows to tell whether it was cut.
 */
export async function qualityIssues(
  db: Queryable, schema: string, q: { from: Date; to: Date; symbols: string[]; limit: number; asOf?: Date },
): Promise<QualityIssueRow[]> {
  const s = sqlIdentifier(schema);
  const available = 'coalesce(available_time, window_end)';
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT symbol, timeframe, issue_type, severity, window_start, window_end, evidence, detected_at, ${available} AS available_time, generation::int AS generation
       FROM ${s}.quality_issues
      WHERE window_start >= $1::timestamptz AND window_start < $2::timestamptz AND (cardinality($3::text[]) = 0 OR symbol = ANY($3::text[]))
        AND ($4::timestamptz IS NULL OR ${available} <= $4::timestamptz)
      ORDER BY window_start, symbol, timeframe, issue_type
      LIMIT $5`,
    [q.from.toISOString(), q.to.toISOString(), q.symbols, q.asOf?.toISOString() ?? null, q.limit],
  );
  const iso = (v: unknown) => new Date(v as string).toISOString();
  return rows.map((r) => ({
    symbol: String(r.symbol), timeframe: String(r.timeframe), type: String(r.issue_type), severity: String(r.severity),
    windowStart: iso(r.window_start), windowEnd: iso(r.window_end),
    evidence: (typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence) as Record<string, unknown>,
    detectedAt: iso(r.detected_at), availableTime: iso(r.available_time), generation: Number(r.generation),
  }));
}
