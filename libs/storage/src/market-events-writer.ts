import type { CorporateActionRecord, OptionQuoteRecord, QualityIssueRecord, RestatementRecord } from '@md/contracts';
import { toIso } from './bar-writer';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

const isoOrNull = (us: number | null) => (us === null ? null : toIso(us));

/** Upsert on (symbol, ex-date, kind); a row is replaced only by a strictly higher revision. */
export async function upsertCorporateActions(db: Queryable, actions: readonly CorporateActionRecord[], schema = 'md'): Promise<void> {
  const s = sqlIdentifier(schema);
  for (const a of actions) {
    const details = { ratioTo: a.ratioTo, ratioFrom: a.ratioFrom, amount: a.amount, referencePrice: a.referencePrice };
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
 * replay, a restarted monitor) updates the row instead of adding one; the first detection time stays.
 */
export async function upsertQualityIssues(db: Queryable, issues: readonly QualityIssueRecord[], schema = 'md'): Promise<void> {
  const s = sqlIdentifier(schema);
  for (const i of issues) {
    await db.query(
      `INSERT INTO ${s}.quality_issues (symbol, timeframe, issue_type, severity, window_start, window_end, evidence, detected_at)
       VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::jsonb, $8::timestamptz)
       ON CONFLICT (symbol, timeframe, issue_type, window_start) DO UPDATE
         SET severity = EXCLUDED.severity, window_end = EXCLUDED.window_end, evidence = EXCLUDED.evidence,
             detected_at = LEAST(quality_issues.detected_at, EXCLUDED.detected_at)`,
      [i.symbol, i.timeframe, i.type, i.severity, toIso(i.windowStart), toIso(i.windowEnd), i.evidence, toIso(i.detectedAt)],
    );
  }
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
