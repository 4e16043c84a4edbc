import { randomBytes } from 'node:crypto';
import { LOCAL_STACK } from '@md/config';
import type { AltSignalRecord, FeatureVectorRecord, IntrinsicBarRecord, VixRegimeRecord } from '@md/contracts';
import type { Db } from '../src/db-port';
import { upsertAltSignals, upsertFeatureVectors, upsertIntrinsicBars, upsertVixRegimes } from '../src/derived-writer';
import { featureVectors } from '../src/derived-queries';
import { LAYOUT_ID_SQL, layoutOf } from '../src/feature-layouts';
import { migrate } from '../src/migrations';
import { PgDb } from '../src/pg-db';
import { PgliteDb } from '../src/pglite-db';
import { DEFAULT_STORAGE_OPTIONS } from '../src/storage-options';

// Integration: the derived-topic sinks on both layouts (embedded TimescaleDB and PostgreSQL).
const TARGETS = [
  { name: 'embedded TimescaleDB', open: (): Promise<Db> => PgliteDb.open({}) },
  { name: 'plain PostgreSQL', open: async (): Promise<Db> => new PgDb(LOCAL_STACK.databaseUrl) },
];
const T0 = Date.UTC(2024, 4, 1, 13, 30) * 1000;
const MIN = 60_000_000;

describe.each(TARGETS)('derived-topic sinks on $name', (target) => {
  const schema = `md_test_${randomBytes(4).toString('hex')}`;
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
    await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema });
  }, 120_000);
  afterAll(async () => {
    if (db?.kind === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.close();
  });
  const rows = async (sql: string) => (await db.query<Record<string, unknown>>(sql.replaceAll('$s', schema))).rows;

  it('stores one row per vector, nulls included; a replay or recomputation replaces the vector instead of adding', async () => {
    const v = (i: number, values: Record<string, number | null>, generation = 0): FeatureVectorRecord =>
      ({ symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime: T0 + i * MIN, ingestTime: T0, featureSet: 'default-v1', values,
        availableTime: T0 + (i + 1) * MIN, generation });
    expect(await upsertFeatureVectors(db, [v(0, { sma_20: null, ret_1: 0 }), v(1, { sma_20: 15.5, ret_1: 0.25 }), v(1, { sma_20: 15.6, ret_1: 0.25 })], schema)).toBe(4);
    await upsertFeatureVectors(db, [v(0, { ret_1: 0, sma_20: null }), v(1, { sma_20: 15.6, ret_1: 0.25 })], schema);
    expect(await rows(`SELECT count(*)::int AS n FROM $s.feature_vectors`)).toEqual([{ n: 2 }]);
    // The long view keeps the old shape for SQL readers.
    const long = () => rows(`SELECT name, extract(epoch FROM time)::bigint AS t, value, generation::int AS g FROM $s.features ORDER BY time, name`);
    expect(await long()).toEqual([
      { name: 'ret_1', t: String(T0 / 1e6), value: 0, g: 0 }, { name: 'sma_20', t: String(T0 / 1e6), value: null, g: 0 },
      { name: 'ret_1', t: String(T0 / 1e6 + 60), value: 0.25, g: 0 }, { name: 'sma_20', t: String(T0 / 1e6 + 60), value: 15.6, g: 0 },
    ]);
    // A newer generation replaces the vector whole (a dropped name goes); an older one changes nothing.
    await upsertFeatureVectors(db, [v(1, { rsi_14: 55, ret_1: 0.5 }, 2)], schema);
    await upsertFeatureVectors(db, [v(1, { sma_20: 1, ret_1: 1 }, 1)], schema);
    expect((await long()).slice(2)).toEqual([
      { name: 'ret_1', t: String(T0 / 1e6 + 60), value: 0.5, g: 2 }, { name: 'rsi_14', t: String(T0 / 1e6 + 60), value: 55, g: 2 },
    ]);
    const read = await featureVectors(db, schema, { symbol: 'DBB', timeframe: '1m', from: new Date(T0 / 1000), to: new Date(T0 / 1000 + 120_000), limit: 10 });
    expect(read.map((r) => [r.time, r.generation, r.values])).toEqual([
      [new Date(T0 / 1000).toISOString(), 0, { ret_1: 0, sma_20: null }], [new Date(T0 / 1000 + 60_000).toISOString(), 2, { ret_1: 0.5, rsi_14: 55 }],
    ]);
  });

  it('stores the same through COPY (a transaction of either adapter) as through the unnest statement, odd feature-set names included', async () => {
    const vectors = (symbol: string): FeatureVectorRecord[] => [0, 1, 2].map((i) => ({
      symbol, timeframe: '5m', provider: 'file', eventTime: T0 + i * 5 * MIN, ingestTime: T0, featureSet: 'set\twith\\odd\nname',
      values: { a: i === 0 ? null : 1 / 3 + i, b: -1e-300 * i, c: Number.NaN }, availableTime: i === 2 ? null : T0 + (i + 1) * 5 * MIN, generation: i,
    }));
    await upsertFeatureVectors(db, vectors('UNNEST'), schema);
    await db.transaction(async (tx) => {
      expect(tx.copyFrom).toBeDefined();
      await upsertFeatureVectors(tx, vectors('COPY'), schema);
    });
    const stored = (symbol: string) => rows(`SELECT timeframe, time, feature_set, layout::text, feature_values::text AS v, available_time, generation::int AS g
      FROM $s.feature_vectors WHERE symbol = '${symbol}' ORDER BY time`);
    const copied = await stored('COPY');
    expect(copied).toHaveLength(3);
    expect(copied[0].feature_set).toBe('set\twith\\odd\nname');
    expect(copied).toEqual(await stored('UNNEST'));
  });

  it('gives a layout the same id in SQL as in TypeScript, so the migration of long rows and the writer agree', async () => {
    const layout = layoutOf(['sma_20', 'ret_1', 'vol_20', 'rsi_14']);
    const [row] = await rows(`SELECT (${LAYOUT_ID_SQL(`ARRAY['ret_1', 'rsi_14', 'sma_20', 'vol_20']`)})::text AS id`);
    expect(row.id).toBe(layout.id);
    expect(layout.names).toEqual(['ret_1', 'rsi_14', 'sma_20', 'vol_20']);
  });

  it('keeps two intrinsic bars that open and close in the same millisecond apart by their seq', async () => {
    const bar = (seq: number): IntrinsicBarRecord => ({ symbol: 'SPY', kind: 'tick', seq, provider: 'lean', openTime: T0, closeTime: T0, ingestTime: T0,
      open: '168.01', high: '168.02', low: '168.00', close: '168.02', volume: 300 + seq, dollarValue: 50_400.5, ticks: 3, threshold: 3, availableTime: T0, generation: 0 });
    await upsertIntrinsicBars(db, [bar(0), bar(1)], schema);
    await upsertIntrinsicBars(db, [bar(1)], schema);
    expect(await rows(`SELECT seq::int, volume::int, close::text FROM $s.intrinsic_bars ORDER BY seq`))
      .toEqual([{ seq: 0, volume: 300, close: '168.02000000' }, { seq: 1, volume: 301, close: '168.02000000' }]);
  });

  it('stores alt-data signals and VIX regimes keyed by (symbol, source, document, time), details kept', async () => {
    const signal: AltSignalRecord = { symbol: 'TSLA', signal: 'social_sentiment', provider: 'file', eventTime: T0, ingestTime: T0, value: 0.4, observations: 2, components: {}, sourceId: 'u1', availableTime: T0 };
    const regime: VixRegimeRecord = { symbol: 'VIX', provider: 'cboe-csv', eventTime: T0, ingestTime: T0, value: 38.57, regime: 'EXTREME', previousRegime: 'HIGH', changed: true, availableTime: T0 };
    await upsertAltSignals(db, [signal, { ...signal, value: 0.5 }, { ...signal, sourceId: 'u2', value: -0.25 }], schema);
    await upsertVixRegimes(db, [regime, regime], schema);
    const stored = await rows(`SELECT symbol, source, value, details->>'regime' AS regime, source_id FROM $s.altdata_signals ORDER BY symbol, source_id`);
    // Two documents at the same second stay two rows; the same document again rewrites its row.
    expect(stored).toEqual([
      { symbol: 'TSLA', source: 'social_sentiment', value: 0.5, regime: null, source_id: 'u1' },
      { symbol: 'TSLA', source: 'social_sentiment', value: -0.25, regime: null, source_id: 'u2' },
      { symbol: 'VIX', source: 'vix_regime', value: 38.57, regime: 'EXTREME', source_id: '' },
    ]);
  });
});
