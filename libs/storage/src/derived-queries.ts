import type { Timeframe } from '@md/contracts';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

// As-of reads of the derived tables (issue 12, point in time): a row is returned only when it
// could be known at `asOf`. Rows stored before availableTime existed have NULL there and are
// bounded by the end of their window instead (a bar's end, a finding's window end, a signal's own
// time), which is never earlier than when they were known: the fallback can hide a row, never
// leak one from the future.

const TIMEFRAME_INTERVAL: Record<Timeframe, string> = { '1m': '1 minute', '5m': '5 minutes', '15m': '15 minutes', '1h': '1 hour', '1d': '1 day' };

export interface DerivedRange {
  from: Date;
  to: Date;
  /** Only rows known at this time; all rows when absent. */
  asOf?: Date;
  limit: number;
}

export interface FeatureVectorRow {
  symbol: string;
  timeframe: string;
  time: string;
  availableTime: string;
  generation: number;
  values: Record<string, number | null>;
}

/** Feature vectors of one (symbol, timeframe) whose bar starts in [from, to), oldest first. */
export async function featureVectors(db: Queryable, schema: string, q: DerivedRange & { symbol: string; timeframe: Timeframe }): Promise<FeatureVectorRow[]> {
  const s = sqlIdentifier(schema);
  const available = `coalesce(f.available_time, f.time + INTERVAL '${TIMEFRAME_INTERVAL[q.timeframe]}')`;
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT f.time, ${available} AS available_time, f.generation::int AS generation, l.names, f.feature_values::text AS feature_values
       FROM ${s}.feature_vectors f JOIN ${s}.feature_layouts l ON l.id = f.layout
      WHERE f.symbol = $1 AND f.timeframe = $2 AND f.time >= $3::timestamptz AND f.time < $4::timestamptz
        AND ($5::timestamptz IS NULL OR ${available} <= $5::timestamptz)
      ORDER BY f.time LIMIT $6`,
    [q.symbol, q.timeframe, q.from.toISOString(), q.to.toISOString(), q.asOf?.toISOString() ?? null, q.limit],
  );
  return rows.map((r) => {
    const names = r.names as string[];
    const values = floatArray(r.feature_values);
    return {
      symbol: q.symbol, timeframe: q.timeframe, time: iso(r.time), availableTime: iso(r.available_time), generation: Number(r.generation),
      values: Object.fromEntries(names.map((n, i) => [n, values[i]])),
    };
  });
}

/**
 * A float8[] in PostgreSQL's text form ({1.5,NULL,NaN}), read the same on both drivers:
 * node-postgres' own array parser turns NULL into NaN, which would hide a missing value.
 */
function floatArray(text: unknown): Array<number | null> {
  const body = String(text).slice(1, -1);
  return body === '' ? [] : body.split(',').map((x) => (x === 'NULL' ? null : Number(x)));
}

export interface SignalRow {
  symbol: string;
  signal: string;
  sourceId: string | null;
  time: string;
  availableTime: string;
  value: number | null;
  details: Record<string, unknown>;
}

/** Alternative-data signals (VIX regimes as signal 'vix_regime') of one symbol in [from, to), oldest first. */
export async function altSignals(db: Queryable, schema: string, q: DerivedRange & { symbol: string; signal?: string }): Promise<SignalRow[]> {
  const s = sqlIdentifier(schema);
  const available = 'coalesce(available_time, time)';
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT symbol, source, source_id, time, ${available} AS available_time, value, details
       FROM ${s}.altdata_signals
      WHERE symbol = $1 AND ($2::text IS NULL OR source = $2) AND time >= $3::timestamptz AND time < $4::timestamptz
        AND ($5::timestamptz IS NULL OR ${available} <= $5::timestamptz)
      ORDER BY time, source, source_id LIMIT $6`,
    [q.symbol, q.signal ?? null, q.from.toISOString(), q.to.toISOString(), q.asOf?.toISOString() ?? null, q.limit],
  );
  return rows.map((r) => ({
    symbol: String(r.symbol), signal: String(r.source), sourceId: r.source_id === '' ? null : String(r.source_id), time: iso(r.time),
    availableTime: iso(r.available_time), value: r.value === null ? null : Number(r.value),
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? {})) as Record<string, unknown>,
  }));
}

const iso = (v: unknown) => new Date(v as string).toISOString();
