import type { AltSignalRecord, FeatureVectorRecord, IntrinsicBarRecord, VixRegimeRecord } from '@md/contracts';
import { toIso } from './bar-writer';
import { copyField } from './copy-text';
import { layoutOf } from './feature-layouts';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

// Sinks for the derived topics (features, intrinsic bars, alt-data signals, VIX regimes). Each
// statement sends column arrays through unnest(): one round trip per batch instead of one per
// row. Rows are deduplicated by key inside a batch first (last wins, as in topic order): ON
// CONFLICT cannot touch one row twice per statement.

function lastByKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) byKey.set(key(r), r);
  return [...byKey.values()];
}

/**
 * Upsert of whole vectors on (symbol, timeframe, time), one row each (migration 0008): a replayed
 * or recomputed vector replaces the stored one, names included, unless the stored row is of a
 * higher generation (a reprocess under newer rules replaced it already). The layouts of the
 * batch are inserted first (usually one per feature set). A record from before availableTime
 * existed is stored with NULL there; the queries bound it by the bar's end. Returns the number of
 * values stored, as the long layout counted them.
 */
export async function upsertFeatureVectors(db: Queryable, vectors: readonly FeatureVectorRecord[], schema = 'md'): Promise<number> {
  const rows = lastByKey(vectors, (v) => `${v.symbol}\u0000${v.timeframe}\u0000${v.eventTime}`);
  if (!rows.length) return 0;
  const s = sqlIdentifier(schema);
  const layouts = rows.map((v) => layoutOf(Object.keys(v.values)));
  const distinct = [...new Map(layouts.map((l) => [l.id, l])).values()];
  await db.query(
    `INSERT INTO ${s}.feature_layouts (id, names)
     SELECT (e->>0)::bigint, ARRAY(SELECT jsonb_array_elements_text(e->1)) FROM jsonb_array_elements($1::jsonb) AS e
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(distinct.map((l) => [l.id, l.names]))],
  );
  const valueArrays = rows.map((v, i) => arrayLiteral(layouts[i].names.map((n) => v.values[n])));
  const availableTimes = rows.map((v) => (v.availableTime == null ? null : toIso(v.availableTime)));
  const conflict = `ON CONFLICT (symbol, timeframe, time) DO UPDATE
       SET feature_set = EXCLUDED.feature_set, layout = EXCLUDED.layout, feature_values = EXCLUDED.feature_values,
           available_time = EXCLUDED.available_time, generation = EXCLUDED.generation
       WHERE EXCLUDED.generation >= f.generation`;
  if (db.copyFrom) {
    // COPY into a transaction-local staging table, then one merge: the bars sink's measured form
    // (bar-copy-writer.ts); in the embedded database it also skips parsing eight parameter arrays.
    await db.query(`CREATE TEMP TABLE IF NOT EXISTS feature_vectors_staging (LIKE ${s}.feature_vectors INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
    const text = rows.map((v, i) => `${v.symbol}\t${v.timeframe}\t${toIso(v.eventTime)}\t${copyField(v.featureSet)}\t${layouts[i].id}\t${valueArrays[i]}\t` +
      `${availableTimes[i] ?? '\\N'}\t${v.generation ?? 0}\n`).join('');
    await db.copyFrom(`COPY feature_vectors_staging (${FEATURE_COLUMNS}) FROM STDIN`, [text]);
    await db.query(`INSERT INTO ${s}.feature_vectors AS f (${FEATURE_COLUMNS}) SELECT ${FEATURE_COLUMNS} FROM feature_vectors_staging ${conflict}`);
  } else {
    await db.query(
      `INSERT INTO ${s}.feature_vectors AS f (${FEATURE_COLUMNS})
       SELECT u.symbol, u.timeframe, u.time, u.feature_set, u.layout, u.vals::float8[], u.available_time, u.generation
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[], $6::text[], $7::timestamptz[], $8::bigint[])
           AS u(symbol, timeframe, time, feature_set, layout, vals, available_time, generation)
       ${conflict}`,
      [rows.map((v) => v.symbol), rows.map((v) => v.timeframe), rows.map((v) => toIso(v.eventTime)), rows.map((v) => v.featureSet),
        layouts.map((l) => l.id), valueArrays, availableTimes, rows.map((v) => v.generation ?? 0)],
    );
  }
  return layouts.reduce((n, l) => n + l.names.length, 0);
}

const FEATURE_COLUMNS = 'symbol, timeframe, time, feature_set, layout, feature_values, available_time, generation';

/** A float8[] literal: each vector travels as one text element (unnest of a 2-D array would flatten it). */
function arrayLiteral(values: ReadonlyArray<number | null | undefined>): string {
  return `{${values.map((x) => (x == null ? 'NULL' : String(x))).join(',')}}`;
}

/**
 * Upsert on (symbol, kind, seq, end_time): a rebuilt bar sequence rewrites the same rows, unless
 * a higher generation stored them. Known at its close (end_time), so no availableTime column.
 */
export async function upsertIntrinsicBars(db: Queryable, bars: readonly IntrinsicBarRecord[], schema = 'md'): Promise<void> {
  const rows = lastByKey(bars, (b) => `${b.symbol}\u0000${b.kind}\u0000${b.seq}\u0000${b.closeTime}`);
  if (!rows.length) return;
  const col = <K extends keyof IntrinsicBarRecord>(k: K) => rows.map((r) => r[k]);
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.intrinsic_bars AS ib (symbol, kind, seq, threshold, start_time, end_time, open, high, low, close, volume, dollar_value,
       trade_count, provider, generation)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::float8[], $5::timestamptz[], $6::timestamptz[], $7::numeric[], $8::numeric[],
                          $9::numeric[], $10::numeric[], $11::bigint[], $12::float8[], $13::int[], $14::text[], $15::bigint[])
     ON CONFLICT (symbol, kind, seq, end_time) DO UPDATE SET
       threshold = EXCLUDED.threshold, start_time = EXCLUDED.start_time, open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
       close = EXCLUDED.close, volume = EXCLUDED.volume, dollar_value = EXCLUDED.dollar_value, trade_count = EXCLUDED.trade_count,
       provider = EXCLUDED.provider, generation = EXCLUDED.generation
     WHERE EXCLUDED.generation >= ib.generation`,
    [col('symbol'), col('kind'), col('seq'), col('threshold'), rows.map((r) => toIso(r.openTime)), rows.map((r) => toIso(r.closeTime)),
      col('open'), col('high'), col('low'), col('close'), col('volume'), col('dollarValue'), col('ticks'), col('provider'), rows.map((r) => r.generation ?? 0)],
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
  availableTime: number | null;
}

async function upsertSignalRows(db: Queryable, signals: readonly SignalRow[], schema: string): Promise<void> {
  const rows = lastByKey(signals, (r) => `${r.symbol}\u0000${r.source}\u0000${r.sourceId}\u0000${r.time}`);
  if (!rows.length) return;
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.altdata_signals (symbol, source, source_id, time, value, details, available_time)
     SELECT s, src, id, t, v, d::jsonb, a FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[], $6::text[], $7::timestamptz[]) AS u(s, src, id, t, v, d, a)
     ON CONFLICT (symbol, source, source_id, time) DO UPDATE SET value = EXCLUDED.value, details = EXCLUDED.details, available_time = EXCLUDED.available_time`,
    [rows.map((r) => r.symbol), rows.map((r) => r.source), rows.map((r) => r.sourceId), rows.map((r) => toIso(r.time)), rows.map((r) => r.value), rows.map((r) => r.details),
      rows.map((r) => (r.availableTime == null ? null : toIso(r.availableTime)))],
  );
}

/** Upsert on (symbol, signal, sourceId, time) into altdata_signals; provider, counts and components go to details. */
export async function upsertAltSignals(db: Queryable, signals: readonly AltSignalRecord[], schema = 'md'): Promise<void> {
  await upsertSignalRows(db, signals.map((s) => ({
    symbol: s.symbol, source: s.signal, sourceId: s.sourceId ?? '', time: s.eventTime, value: s.value,
    details: JSON.stringify({ provider: s.provider, observations: s.observations, components: s.components }), availableTime: s.availableTime ?? null,
  })), schema);
}

/** VIX regimes share altdata_signals (source 'vix_regime'): one series per index, the level as value. */
export async function upsertVixRegimes(db: Queryable, regimes: readonly VixRegimeRecord[], schema = 'md'): Promise<void> {
  await upsertSignalRows(db, regimes.map((r) => ({
    symbol: r.symbol, source: 'vix_regime', sourceId: '', time: r.eventTime, value: r.value,
    details: JSON.stringify({ provider: r.provider, regime: r.regime, previousRegime: r.previousRegime, changed: r.changed }), availableTime: r.availableTime ?? null,
  })), schema);
}
