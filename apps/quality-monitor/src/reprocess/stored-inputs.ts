import { TIMEFRAMES, type QualityIssueRecord, type Timeframe } from '@md/contracts';
import { sqlIdentifier, toIso, type Queryable } from '@md/storage';

// The reprocess job's reads of the writer's database beside libs/storage's storedCleanBars.

const PAGE_ROWS = 1000;

/** The timeframes of which the symbol has stored bars in [fromUs, toUs), in TIMEFRAMES order (one index probe each). */
export async function storedTimeframes(db: Queryable, schema: string, symbol: string, fromUs: number, toUs: number): Promise<Timeframe[]> {
  const { rows } = await db.query<{ timeframe: Timeframe }>(
    `SELECT t.timeframe FROM unnest($2::text[]) AS t(timeframe)
      WHERE EXISTS (SELECT 1 FROM ${sqlIdentifier(schema)}.bars b WHERE b.symbol = $1 AND b.timeframe = t.timeframe AND b.time >= $3::timestamptz AND b.time < $4::timestamptz)`,
    [symbol, TIMEFRAMES, toIso(fromUs), toIso(toUs)],
  );
  const found = new Set(rows.map((r) => r.timeframe));
  return TIMEFRAMES.filter((t) => found.has(t));
}

/**
 * Findings about the input as it arrived, which the stored bars cannot show again: `bars` keeps
 * one row per (symbol, timeframe, time), the kept revision of one provider, and never a bar the
 * preprocessor rejected, so repeats, OHLC violations and two providers' closes are not there.
 * Re-judging the stored bars would find none and the marker would delete them.
 */
export const INPUT_FINDINGS = ['duplicate', 'ohlc_violation', 'provider_disagreement'];

/** The stored input findings of the window older than `generation`, in pages of at most 1,000 (keyset on the identity). */
export async function* storedInputFindings(
  db: Queryable, schema: string, symbol: string, timeframes: readonly string[], fromUs: number, toUs: number, generation: number,
): AsyncGenerator<QualityIssueRecord[]> {
  let after: unknown[] = ['', '', '0'];
  for (;;) {
    const { rows } = await db.query<Record<string, string | null>>(
      `SELECT timeframe, issue_type, severity, evidence::text AS evidence, generation::text AS generation,
              (extract(epoch FROM window_start) * 1000000)::bigint::text AS start_us, (extract(epoch FROM window_end) * 1000000)::bigint::text AS end_us,
              (extract(epoch FROM detected_at) * 1000000)::bigint::text AS detected_us, (extract(epoch FROM available_time) * 1000000)::bigint::text AS available_us
         FROM ${sqlIdentifier(schema)}.quality_issues
        WHERE symbol = $1 AND timeframe = ANY($2::text[]) AND issue_type = ANY($3::text[]) AND window_start >= $4::timestamptz AND window_start < $5::timestamptz
          AND generation < $6 AND (timeframe, issue_type, window_start) > ($7::text, $8::text, 'epoch'::timestamptz + $9::bigint * interval '1 microsecond')
        ORDER BY timeframe, issue_type, window_start LIMIT ${PAGE_ROWS}`,
      [symbol, timeframes, INPUT_FINDINGS, toIso(fromUs), toIso(toUs), generation, ...after],
    );
    if (rows.length) yield rows.map((r) => toIssueRecord(symbol, r));
    if (rows.length < PAGE_ROWS) return;
    const last = rows[rows.length - 1];
    after = [last.timeframe, last.issue_type, last.start_us];
  }
}

function toIssueRecord(symbol: string, r: Record<string, string | null>): QualityIssueRecord {
  return {
    type: String(r.issue_type), severity: r.severity as QualityIssueRecord['severity'], symbol, timeframe: String(r.timeframe),
    windowStart: Number(r.start_us), windowEnd: Number(r.end_us), evidence: String(r.evidence), detectedAt: Number(r.detected_us),
    availableTime: r.available_us === null ? null : Number(r.available_us), generation: Number(r.generation),
  };
}
