import type { CorporateActionRecord, OptionQuoteRecord, QualityIssueRecord, RestatementRecord } from '@md/contracts';
import { toIso } from './bar-writer';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

const isoOrNull = (us: number | null) => (us === null ? null : toIso(us));

/** Upsert on (symbol, ex-date, kind); a row is replaced only by a strictly higher revision. */
export async function upsertCorporateActions(db: Queryable, actions: readonly CorporateActionRecord[], schema = 'md'): Promise<void> {
  const s = sqlIdentifier(schema);
  for (const a of actions) {
    const details = { ratioTo: a.ratioTo, ratioFrom: a.ratioFrom, amount: a.amount, referencePrice: a.referencePrice, newSymbol: a.newSymbol ?? null };
    await db.query(
      `INSERT INTO ${s}.corporate_actions (symbol, effective_date, action_type, details, provider, revision)
       VALUES ($1, $2::date, $3, $4::jsonb, $5, $6)
       ON CONFLICT (symbol, effective_date, action_type) DO UPDATE
         SET details = EXCLUDED.details, provider = EXCLUDED.provider, revision = EXCLUDED.revision
       WHERE EXCLUDED.revision > corporate_actions.revision`,
      [a.symbol, a.exDate, a.kind, JSON.stringify(details), a.provider, a.revision],
    );
  }
}

/**
 * Replaces a symbol's adjustment schedule with the restatement's (complete and absolute, so
 * applying it again, or out of step with the bars sink, gives the same table). Apply in topic
 * order: the last restatement of a symbol is its current schedule.
 */
export async function replaceAdjustmentSchedule(db: Queryable, r: RestatementRecord, schema = 'md'): Promise<void> {
  const s = sqlIdentifier(schema);
  await db.query(`DELETE FROM ${s}.adjustment_segments WHERE symbol = $1`, [r.symbol]);
  for (const [seq, seg] of r.segments.entries()) {
    await db.query(
      `INSERT INTO ${s}.adjustment_segments (symbol, seq, from_time, to_time, split_factor, dividend_factor, cause, published_at)
       VALUES ($1, $2, $3::timestamptz, $4::timestamptz, $5, $6, $7, $8::timestamptz)`,
      [r.symbol, seq, isoOrNull(seg.fromTime), isoOrNull(seg.toTime), seg.splitFactor, seg.dividendFactor, r.cause, toIso(r.publishedAt)],
    );
  }
}

/**
 * Upsert on the issue's identity (symbol, timeframe, type, window start): a re-detection (a
 * replay, a restarted monitor) updates the row instead of adding one; the first detection time
 * and the earliest availableTime stay. A row of a higher generation (a reprocess under newer
 * rules) is not touched by an older one. One statement per batch (unnest): a replay of two years
 * of one symbol carries tens of thousands of findings.
 */
export async function upsertQualityIssues(db: Queryable, issues: readonly QualityIssueRecord[], schema = 'md'): Promise<void> {
  const rows = mergeByIdentity(issues);
  if (!rows.length) return;
  const col = <T>(f: (i: QualityIssueRecord) => T) => rows.map(f);
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.quality_issues AS q (symbol, timeframe, issue_type, severity, window_start, window_end, evidence, detected_at, available_time, generation)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::jsonb[], $8::timestamptz[], $9::timestamptz[], $10::bigint[])
     ON CONFLICT (symbol, timeframe, issue_type, window_start) DO UPDATE
       SET severity = EXCLUDED.severity, window_end = EXCLUDED.window_end, evidence = EXCLUDED.evidence,
           detected_at = LEAST(q.detected_at, EXCLUDED.detected_at),
           available_time = CASE WHEN EXCLUDED.generation > q.generation THEN EXCLUDED.available_time
                                 ELSE LEAST(q.available_time, EXCLUDED.available_time) END,
           generation = EXCLUDED.generation
       WHERE EXCLUDED.generation >= q.generation`,
    [col((i) => i.symbol), col((i) => i.timeframe), col((i) => i.type), col((i) => i.severity), col((i) => toIso(i.windowStart)), col((i) => toIso(i.windowEnd)),
      col((i) => i.evidence), col((i) => toIso(i.detectedAt)), col((i) => (i.availableTime == null ? null : toIso(i.availableTime))), col((i) => i.generation ?? 0)],
  );
}

/** One record per identity, as the upsert would leave it after the batch row by row (ON CONFLICT touches a row once per statement). */
function mergeByIdentity(issues: readonly QualityIssueRecord[]): QualityIssueRecord[] {
  const byKey = new Map<string, QualityIssueRecord>();
  for (const i of issues) {
    const key = `${i.symbol}\u0000${i.timeframe}\u0000${i.type}\u0000${i.windowStart}`;
    const seen = byKey.get(key);
    const [g, h] = [i.generation ?? 0, seen?.generation ?? 0];
    if (!seen || g > h) byKey.set(key, i);
    else if (g === h) {
      const earliest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
      byKey.set(key, { ...i, detectedAt: Math.min(seen.detectedAt, i.detectedAt), availableTime: earliest(seen.availableTime ?? null, i.availableTime ?? null) });
    }
  }
  return [...byKey.values()];
}

/** Upsert on (OCC symbol, snapshot time): a replayed snapshot rewrites the same row. */
export async function upsertOptionQuotes(db: Queryable, quotes: readonly OptionQuoteRecord[], schema = 'md'): Promise<void> {
  const s = sqlIdentifier(schema);
  for (const q of quotes) {
    await db.query(
      `INSERT INTO ${s}.options_chain (occ_symbol, underlying, expiry, strike, option_type, snapshot_time, bid, ask, last, volume, open_interest,
         implied_volatility, delta, gamma, theta, vega, rho, greeks_source, provider)
       VALUES ($1, $2, $3::date, $4, $5, $6::timestamptz, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
       ON CONFLICT (occ_symbol, snapshot_time) DO UPDATE SET
         bid = EXCLUDED.bid, ask = EXCLUDED.ask, last = EXCLUDED.last, volume = EXCLUDED.volume, open_interest = EXCLUDED.open_interest,
         implied_volatility = EXCLUDED.implied_volatility, delta = EXCLUDED.delta, gamma = EXCLUDED.gamma, theta = EXCLUDED.theta,
         vega = EXCLUDED.vega, rho = EXCLUDED.rho, greeks_source = EXCLUDED.greeks_source, provider = EXCLUDED.provider`,
      [q.occSymbol, q.underlying, q.expiry, q.strike, q.optionType, toIso(q.snapshotTime), q.bid, q.ask, q.last, q.volume, q.openInterest,
        q.impliedVolatility, q.delta, q.gamma, q.theta, q.vega, q.rho, q.greeksSource, q.provider],
    );
  }
}
