import { PRICE_ACTION_KINDS, type AdjustmentSegmentRecord, type CorporateActionRecord } from '@md/contracts';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

// What the writer stored of one symbol's corporate actions and adjustment schedule, read back for
// the preprocessor's reprocess: the actions rebuild its adjustments from nothing, and the stored
// schedule tells whether the rebuilt one differs (only then is a restatement due). A symbol has a
// few actions a year, so each read is one small query.

/** A stored action as md.corporate-actions.v1 carried it; the table keeps no ingest time. */
export type StoredCorporateAction = Omit<CorporateActionRecord, 'ingestTime'>;

interface ActionRow {
  symbol: string;
  ex_date: string;
  action_type: string;
  details: { ratioTo?: number | null; ratioFrom?: number | null; amount?: string | null; referencePrice?: string | null };
  provider: string;
  revision: string;
}

/** The symbol's stored splits and dividends (the latest revision of each), oldest ex-date first: the actions that adjust prices. */
export async function storedCorporateActions(db: Queryable, schema: string, symbol: string): Promise<StoredCorporateAction[]> {
  const { rows } = await db.query<ActionRow>(
    `SELECT symbol, effective_date::text AS ex_date, action_type, details, provider, revision::text
       FROM ${sqlIdentifier(schema)}.corporate_actions WHERE symbol = $1 AND action_type = ANY($2::text[]) ORDER BY effective_date, action_type`,
    [symbol, [...PRICE_ACTION_KINDS]],
  );
  return rows.map((r) => ({
    symbol: r.symbol, exDate: r.ex_date, kind: r.action_type as CorporateActionRecord['kind'],
    ratioTo: r.details.ratioTo ?? null, ratioFrom: r.details.ratioFrom ?? null, amount: r.details.amount ?? null,
    referencePrice: r.details.referencePrice ?? null, provider: r.provider, revision: Number(r.revision),
  }));
}

/** The symbol's stored adjustment schedule (the last restatement's segments, in order); [] when none was stored. */
export async function storedAdjustmentSegments(db: Queryable, schema: string, symbol: string): Promise<AdjustmentSegmentRecord[]> {
  const { rows } = await db.query<{ from_us: string | null; to_us: string | null; split_factor: number; dividend_factor: number }>(
    `SELECT (extract(epoch FROM from_time) * 1000000)::bigint::text AS from_us, (extract(epoch FROM to_time) * 1000000)::bigint::text AS to_us,
            split_factor, dividend_factor
       FROM ${sqlIdentifier(schema)}.adjustment_segments WHERE symbol = $1 ORDER BY seq`,
    [symbol],
  );
  const micros = (v: string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({ fromTime: micros(r.from_us), toTime: micros(r.to_us), splitFactor: Number(r.split_factor), dividendFactor: Number(r.dividend_factor) }));
}
