import type { AltSignalRecord, FeatureVectorRecord, IntrinsicBarRecord, VixRegimeRecord } from '@md/contracts';
import { toIso } from './bar-writer';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

// Sinks for the derived topics (features, intrinsic bars, alt-data signals, VIX regimes). Each
// statement sends column arrays through unnest(): one round trip per batch instead of one per
// row, which matters for features (one row per value). Rows are deduplicated by key inside a
// batch first (last wins, as in topic order): ON CONFLICT cannot touch one row twice per statement.

function lastByKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) byKey.set(key(r), r);
  return [...byKey.values()];
}

/** Upsert on (symbol, timeframe, name, time): a replayed or recomputed vector rewrites its values. */
export async function upsertFeatureVectors(db: Queryable, vectors: readonly FeatureVectorRecord[], schema = 'md'): Promise<number> {
  const rows = lastByKey(vectors.flatMap((v) => Object.entries(v.values).map(([name, value]) => ({ v, name, value }))),
    (r) => `${r.v.symbol}\u0000${r.v.timeframe}\u0000${r.name}\u0000${r.v.eventTime}`);
  if (!rows.length) return 0;
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.features (symbol, timeframe, name, time, value)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[])
     ON CONFLICT (symbol, timeframe, name, time) DO UPDATE SET value = EXCLUDED.value`,
    [rows.map((r) => r.v.symbol), rows.map((r) => r.v.timeframe), rows.map((r) => r.name), rows.map((r) => toIso(r.v.eventTime)), rows.map((r) => r.value)],
  );
  return rows.length;
}

/** Upsert on (symbol, kind, seq, end_time): a rebuilt bar sequence rewrites the same rows. */
export async function upsertIntrinsicBars(db: Queryable, bars: readonly IntrinsicBarRecord[], schema = 'md'): Promise<void> {
  const rows = lastByKey(bars, (b) => `${b.symbol}\u0000${b.kind}\u0000${b.seq}\u0000${b.closeTime}`);
  if (!rows.length) return;
  const col = <K extends keyof IntrinsicBarRecord>(k: K) => rows.map((r) => r[k]);
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.intrinsic_bars (symbol, kind, seq, threshold, start_time, end_time, open, high, low, close, volume, dollar_value, trade_count, provider)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::timestamptz[], $6::timestamptz[], $7::numeric[], $8::numeric[],
                          $9::numeric[], $10::numeric[], $11::bigint[], $12::float8[], $13::int[], $14::text[])
     ON CONFLICT (symbol, kind, seq, end_time) DO UPDATE SET
       threshold = EXCLUDED.threshold, start_time = EXCLUDED.start_time, open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
       close = EXCLUDED.close, volume = EXCLUDED.volume, dollar_value = EXCLUDED.dollar_value, trade_count = EXCLUDED.trade_count, provider = EXCLUDED.provider`,
    [col('symbol'), col('kind'), col('seq'), col('threshold'), rows.map((r) => toIso(r.openTime)), rows.map((r) => toIso(r.closeTime)),
      col('open'), col('high'), col('low'), col('close'), col('volume'), col('dollarValue'), col('ticks'), col('provider')],
  );
}

interface SignalRow {
  symbol: string;
  source: string;
  /** The document behind a per-document signal, '' for series and composites. */
  sourceId: string;
  time: number;
  value: number;
  details: string;
}

async function upsertSignalRows(db: Queryable, signals: readonly SignalRow[], schema: string): Promise<void> {
  const rows = lastByKey(signals, (r) => `${r.symbol}\u0000${r.source}\u0000${r.sourceId}\u0000${r.time}`);
  if (!rows.length) return;
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.altdata_signals (symbol, source, source_id, time, value, details)
     SELECT s, src, id, t, v, d::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[], $6::text[]) AS u(s, src, id, t, v, d)
     ON CONFLICT (symbol, source, source_id, time) DO UPDATE SET value = EXCLUDED.value, details = EXCLUDED.details`,
    [rows.map((r) => r.symbol), rows.map((r) => r.source), rows.map((r) => r.sourceId), rows.map((r) => toIso(r.time)), rows.map((r) => r.value), rows.map((r) => r.details)],
  );
}

/** Upsert on (symbol, signal, sourceId, time) into altdata_signals; provider, counts and components go to details. */
export async function upsertAltSignals(db: Queryable, signals: readonly AltSignalRecord[], schema = 'md'): Promise<void> {
  await upsertSignalRows(db, signals.map((s) => ({
    symbol: s.symbol, source: s.signal, sourceId: s.sourceId ?? '', time: s.eventTime, value: s.value,
    details: JSON.stringify({ provider: s.provider, observations: s.observations, components: s.components }),
  })), schema);
}

/** VIX regimes share altdata_signals (source 'vix_regime'): one series per index, the level as value. */
export async function upsertVixRegimes(db: Queryable, regimes: readonly VixRegimeRecord[], schema = 'md'): Promise<void> {
  await upsertSignalRows(db, regimes.map((r) => ({
    symbol: r.symbol, source: 'vix_regime', sourceId: '', time: r.eventTime, value: r.value,
    details: JSON.stringify({ provider: r.provider, regime: r.regime, previousRegime: r.previousRegime, changed: r.changed }),
  })), schema);
}
