import { randomBytes } from 'node:crypto';
import { LOCAL_STACK } from '@md/config';
import type { StorageCapabilities } from '../src/capabilities';
import type { Db, Queryable } from '../src/db-port';
import { runMaintenance } from '../src/maintenance';
import { sinkTransaction } from '../src/sink-transaction';
import { migrate } from '../src/migrations';
import { ensureMonthlyPartitions, monthOf } from '../src/partitions';
import { PgDb } from '../src/pg-db';
import { PgliteDb } from '../src/pglite-db';
import { DEFAULT_STORAGE_OPTIONS, type StorageOptions } from '../src/storage-options';
import { aggregateByHand, dbbMinuteFile, firstTradingDays, type MinuteRow } from './minute-bars-fixture';

// One suite, two targets: embedded TimescaleDB (PGlite in-process, one instance for the file:
// its WASM start-up takes seconds) and plain PostgreSQL on the local stack, in a schema of its
// own that is dropped at the end (the server holds unrelated tables).
interface Target {
  name: string;
  timescale: boolean;
  open(): Promise<Db>;
}
const TARGETS: Target[] = [
  { name: 'embedded TimescaleDB', timescale: true, open: () => PgliteDb.open({}) },
  { name: 'plain PostgreSQL', timescale: false, open: async () => new PgDb(LOCAL_STACK.databaseUrl) },
];

const DBB = firstTradingDays(dbbMinuteFile(), 3);

describe.each(TARGETS)('storage on $name', (target) => {
  const schema = `md_test_${randomBytes(4).toString('hex')}`;
  const options: StorageOptions = {
    ...DEFAULT_STORAGE_OPTIONS,
    schema,
    retention: { ...DEFAULT_STORAGE_OPTIONS.retention, bars1m: '10 years', barsDaily: '20 years' },
  };
  let db: Db;
  let first: { applied: string[]; capabilities: StorageCapabilities };

  beforeAll(async () => {
    db = await target.open();
    first = await migrate(db, options);
  }, 120_000);

  afterAll(async () => {
    if (!db) return;
    if (db.kind === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
  });

  const one = async <R>(sql: string, params: unknown[] = []): Promise<R> => (await db.query<R>(sql, params)).rows[0];

  it('migrates to the layout the server can offer, with every table and view, and a second run applies nothing', async () => {
    expect(first.capabilities.timescale).toBe(target.timescale);
    expect(first.applied).toEqual(['0001-bars', '0002-bar-aggregates', '0003-market-tables', '0004-adjustment-segments', '0005-derived-tables', '0006-raw-market-tables', '0007-point-in-time',
      '0008-wide-features', '0009-sink-offsets', '0010-bar-revisions', '0011-symbol-changes', '0012-trading-tables']);
    const objects = await db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm')`,
      [schema],
    );
    const names = objects.rows.map((r) => r.relname);
    for (const expected of ['bars', 'bars_adjusted', 'bars_5m', 'bars_15m', 'bars_1h', 'bars_1d', 'features', 'feature_vectors', 'feature_layouts', 'intrinsic_bars',
      'options_chain', 'corporate_actions', 'altdata_signals', 'quality_issues', 'trades', 'quotes', 'schema_migrations', 'sink_offsets', 'bar_revisions']) {
      expect(names).toContain(expected);
    }
    const again = await migrate(db, options);
    expect(again.applied).toEqual([]);
    expect(again.capabilities).toEqual(first.capabilities);
  });

  const expectTimescaleLayout = async () => {
    const dim = await one<{ time_interval: string }>(
      `SELECT time_interval::text FROM timescaledb_information.dimensions WHERE hypertable_schema = $1 AND hypertable_name = 'bars'`, [schema]);
    expect(dim.time_interval).toBe('30 days');
    const segmentby = await db.query<{ attname: string }>(
      `SELECT attname FROM timescaledb_information.compression_settings
        WHERE hypertable_schema = $1 AND hypertable_name = 'bars' AND segmentby_column_index IS NOT NULL ORDER BY segmentby_column_index`, [schema]);
    expect(segmentby.rows.map((r) => r.attname)).toEqual(['symbol', 'timeframe']);
    const jobs = await db.query<{ proc_name: string; hypertable_name: string; config: Record<string, string> }>(
      `SELECT proc_name, hypertable_name, config FROM timescaledb_information.jobs WHERE hypertable_schema = $1`, [schema]);
    const job = (proc: string, table: string) => jobs.rows.find((j) => j.proc_name === proc && j.hypertable_name === table);
    expect(job('policy_compression', 'bars')?.config.compress_after).toBe('7 days');
    expect(job('policy_retention', 'bars')?.config.drop_after).toBe('10 years');
    expect(job('policy_retention', 'bars_1d')?.config.drop_after).toBe('20 years');
    const caggs = await db.query<{ view_name: string; materialized_only: boolean }>(
      `SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 ORDER BY view_name`, [schema]);
    expect(caggs.rows).toEqual(['bars_15m', 'bars_1d', 'bars_1h', 'bars_5m'].map((view_name) => ({ view_name, materialized_only: false })));
    for (const { view_name } of caggs.rows) expect(job('policy_refresh_continuous_aggregate', view_name)).toBeDefined();
  };

  const expectPlainLayout = async () => {
    const strategy = await one<{ partstrat: string }>(
      `SELECT p.partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'bars'`, [schema]);
    expect(strategy.partstrat).toBe('r');
    const partitions = await db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = $1::regclass ORDER BY c.relname`, [`${schema}.bars`]);
    expect(partitions.rows.map((r) => r.relname)).toContain(`bars_p${monthOf(new Date()).replace('-', '_')}`);
    expect(partitions.rowCount).toBe(options.partitionMonthsAhead + 1);
    const brin = await one<{ n: string }>(
      `SELECT count(*) AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = 'bars' AND indexdef ILIKE '%USING brin (%time%)'`, [schema]);
    expect(Number(brin.n)).toBe(1);
    const views = await db.query<{ matviewname: string }>(`SELECT matviewname FROM pg_matviews WHERE schemaname = $1 ORDER BY 1`, [schema]);
    expect(views.rows.map((r) => r.matviewname)).toEqual(['bars_15m', 'bars_1d', 'bars_1h', 'bars_5m']);
  };

  // Each target is checked for its own layout; neither check is skipped.
  it(target.timescale
    ? 'makes bars a compressed hypertable with policies, and the aggregates real-time continuous aggregates'
    : 'makes bars range partitioned by month with a BRIN index, and the aggregates materialised views',
  () => (target.timescale ? expectTimescaleLayout() : expectPlainLayout()));

  it('aggregates three real DBB days into 5-minute bars equal to a hand computation, and one daily bar per UTC day', async () => {
    expect(DBB.length).toBeGreaterThan(100);
    await ensureMonthlyPartitions(db, schema, 'bars', DBB.map((r) => monthOf(new Date(r.time))));
    await insertMinuteBars(db, schema, DBB);
    await runMaintenance(db, first.capabilities, schema);

    const stored = await db.query<Record<string, string | Date>>(
      `SELECT time, open::text, high::text, low::text, close::text, volume::text, vwap::text, bar_count::text
         FROM ${schema}.bars_5m WHERE symbol = 'DBB' ORDER BY time`);
    const actual = stored.rows.map((r) => ({
      time: (r.time as Date).toISOString(), open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume, vwap: r.vwap, barCount: Number(r.bar_count),
    }));
    expect(actual).toEqual(aggregateByHand(DBB, 5));

    const days = new Set(DBB.map((r) => r.time.slice(0, 10)));
    const daily = await one<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.bars_1d WHERE symbol = 'DBB'`);
    expect(Number(daily.n)).toBe(days.size);
  });

  it('replaces a bar with a higher revision and ignores a stale duplicate, in a compressed chunk on TimescaleDB', async () => {
    const target1m = DBB[10];
    if (first.capabilities.timescale) {
      await db.query(`SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('${schema}.bars') c`);
      const chunk = await one<{ compressed: boolean }>(
        `SELECT bool_and(is_compressed) AS compressed FROM timescaledb_information.chunks WHERE hypertable_schema = $1 AND hypertable_name = 'bars'`, [schema]);
      expect(chunk.compressed).toBe(true);
    }
    await db.transaction((tx) => upsertClose(tx, schema, target1m.time, '99.12345678', 2));
    await db.transaction((tx) => upsertClose(tx, schema, target1m.time, '11.00000000', 1));
    const row = await one<{ close: string; revision: string }>(
      `SELECT close::text, revision::text FROM ${schema}.bars WHERE symbol = 'DBB' AND timeframe = '1m' AND time = $1`, [target1m.time]);
    expect(row).toEqual({ close: '99.12345678', revision: '2' });
  });

  it('lets a sink re-upsert history that compression packed, past TimescaleDB\'s decompression limit', async () => {
    const reupsertAll = (tx: Queryable) => tx.query(
      `INSERT INTO ${schema}.bars SELECT * FROM ${schema}.bars WHERE symbol = 'DBB' AND timeframe = '1m'
       ON CONFLICT (symbol, timeframe, time) DO UPDATE SET volume = EXCLUDED.volume`);
    if (!first.capabilities.timescale) {
      await expect(sinkTransaction(db, first.capabilities, reupsertAll)).resolves.toMatchObject({ rowCount: DBB.length });
      return;
    }
    await db.query(`SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('${schema}.bars') c`);
    // The default limit is 100,000 rows; 10 makes three days of real minutes exceed it (one PGlite connection, so the session setting holds).
    await db.query('SET timescaledb.max_tuples_decompressed_per_dml_transaction = 10');
    try {
      await expect(db.transaction(reupsertAll)).rejects.toMatchObject({ code: '53400', message: expect.stringContaining('decompression limit') });
      await expect(sinkTransaction(db, first.capabilities, reupsertAll)).resolves.toMatchObject({ rowCount: DBB.length });
    } finally {
      await db.query('RESET timescaledb.max_tuples_decompressed_per_dml_transaction');
    }
  });

  it('creates a month partition years away once and accepts a row there (a no-op on TimescaleDB)', async () => {
    const far = '2041-03';
    const time = '2041-03-15T14:30:00.000Z';
    const counting = countingQueryable(db);
    await ensureMonthlyPartitions(counting, schema, 'bars', [far]);
    await ensureMonthlyPartitions(counting, schema, 'bars', [far]); // re-checks the month it created
    await ensureMonthlyPartitions(counting, schema, 'bars', [far]); // now known: no query at all
    const creates = counting.sql.filter((s) => s.includes('PARTITION OF'));
    expect(creates).toHaveLength(first.capabilities.timescale ? 0 : 1);
    const queriesAfterKnown = counting.sql.length;
    await ensureMonthlyPartitions(counting, schema, 'bars', [far]);
    expect(counting.sql.length).toBe(queriesAfterKnown);
    await insertMinuteBars(db, schema, [{ time, open: '1', high: '1', low: '1', close: '1', volume: '1' }]);
    const stored = await one<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.bars WHERE time = $1`, [time]);
    expect(Number(stored.n)).toBe(1);
  });
});

/** Plain multi-row INSERTs, independent of the writer under test elsewhere. */
async function insertMinuteBars(db: Queryable, schema: string, rows: readonly MinuteRow[]): Promise<void> {
  const perStatement = 500;
  for (let i = 0; i < rows.length; i += perStatement) {
    const batch = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    const values = batch.map((r) => {
      params.push(r.time, r.open, r.high, r.low, r.close, r.volume);
      const p = params.length - 6;
      return `('DBB', '1m', $${p + 1}::timestamptz, $${p + 2}::numeric, $${p + 3}::numeric, $${p + 4}::numeric, $${p + 5}::numeric, $${p + 6}::bigint,
               'REGULAR', 'file', 0, now())`;
    });
    await db.query(
      `INSERT INTO ${schema}.bars (symbol, timeframe, time, open, high, low, close, volume, session, provider, revision, ingest_time)
       VALUES ${values.join(', ')}`, params);
  }
}

/** The writer's revision rule (bar-writer.ts): replace only with a strictly higher revision. */
async function upsertClose(db: Queryable, schema: string, time: string, close: string, revision: number): Promise<void> {
  await db.query(
    `INSERT INTO ${schema}.bars AS bars (symbol, timeframe, time, open, high, low, close, volume, session, provider, revision, ingest_time)
     VALUES ('DBB', '1m', $1, $2, $2, $2, $2, 1, 'REGULAR', 'file', $3, now())
     ON CONFLICT (symbol, timeframe, time) DO UPDATE
       SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
           volume = EXCLUDED.volume, revision = EXCLUDED.revision, stored_at = now()
     WHERE EXCLUDED.revision > bars.revision`,
    [time, close, revision]);
}

function countingQueryable(db: Queryable): Queryable & { sql: string[] } {
  const sql: string[] = [];
  return { sql, query: (text, params) => { sql.push(text); return db.query(text, params); } };
}
