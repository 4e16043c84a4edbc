import { LOCAL_STACK } from '@md/config';
import type { CleanBar } from '@md/contracts';
import { DEFAULT_STORAGE_OPTIONS, PgDb, PgliteDb, barMonths, copyMergeBars, ensureMonthlyPartitions, migrate, upsertBars, type Db, type Queryable } from '../src';

// Integration (local PostgreSQL, and embedded TimescaleDB for the unnest form): the sink's two
// upsert forms follow the same revision rule and keep what they replace in bar_revisions.
const bar = (minute: number, close: string, revision: number, provider = 'file'): CleanBar => ({
  symbol: 'DBB', timeframe: '1m', provider, eventTime: Date.UTC(2024, 2, 4, 14, 30 + minute) * 1000, ingestTime: 1,
  open: '17.90000000', high: '18.00000000', low: '17.80000000', close, volume: 100, tradeCount: null, vwap: null, revision,
  session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
});

type Write = (tx: Queryable, bars: readonly CleanBar[], schema: string) => Promise<number>;
const pg = async (): Promise<Db> => new PgDb(LOCAL_STACK.databaseUrl);
const embedded = (): Promise<Db> => PgliteDb.open({});

describe.each([
  ['unnest on PostgreSQL', pg, upsertBars],
  ['COPY + merge on PostgreSQL', pg, copyMergeBars],
  ['unnest on embedded TimescaleDB', embedded, upsertBars],
] as Array<[string, () => Promise<Db>, Write]>)('bar upsert by %s (integration)', (_name, open, write) => {
  const schema = `t_upsert_${Math.random().toString(36).slice(2, 8)}`;
  let db: Db;
  const apply = (bars: CleanBar[]) => db.transaction(async (tx: Queryable) => {
    await ensureMonthlyPartitions(tx, schema, 'bars', barMonths(bars));
    await write(tx, bars, schema);
  });
  const closes = async () => (await db.query<{ close: string; revision: string }>(`SELECT close::text, revision::text FROM ${schema}.bars ORDER BY time`)).rows;
  const revisions = async () => (await db.query<Record<string, string>>(
    `SELECT extract(epoch FROM time)::bigint::text AS time, close::text, provider, revision::text, new_revision::text, new_provider FROM ${schema}.bar_revisions ORDER BY time, revision`)).rows;

  beforeAll(async () => {
    db = await open();
    await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema });
  }, 120_000);
  afterAll(async () => {
    if (!db) return;
    if (db.kind === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
  });

  it('keeps the highest revision of a key within one batch', async () => {
    await apply([bar(0, '17.91000000', 0), bar(0, '17.95000000', 2), bar(0, '17.93000000', 1), bar(1, '17.92000000', 0)]);
    expect(await closes()).toEqual([{ close: '17.95000000', revision: '2' }, { close: '17.92000000', revision: '0' }]);
    expect(await revisions()).toEqual([]);
  });

  it('lets a later correction replace and a stale duplicate change nothing', async () => {
    await apply([bar(0, '17.99000000', 1), bar(1, '17.97000000', 3)]);
    expect(await closes()).toEqual([{ close: '17.95000000', revision: '2' }, { close: '17.97000000', revision: '3' }]);
  });

  it('keeps the replaced version in bar_revisions, and a settled bar with the same content changes nothing', async () => {
    const minute1 = String(Date.UTC(2024, 2, 4, 14, 31) / 1000);
    expect(await revisions()).toEqual([{ time: minute1, close: '17.92000000', provider: 'file', revision: '0', new_revision: '3', new_provider: 'file' }]);
    const before = (await db.query<{ stored_at: Date }>(`SELECT stored_at FROM ${schema}.bars ORDER BY time`)).rows;
    await apply([bar(0, '17.95', 9, 'rest'), bar(1, '17.97000000', 9, 'rest')]); // same values at a higher revision
    expect(await closes()).toEqual([{ close: '17.95000000', revision: '2' }, { close: '17.97000000', revision: '3' }]);
    expect((await db.query<{ stored_at: Date }>(`SELECT stored_at FROM ${schema}.bars ORDER BY time`)).rows).toEqual(before);
    expect(await revisions()).toHaveLength(1);
    await apply([bar(1, '17.98000000', 10, 'rest')]);
    await apply([bar(1, '17.98000000', 10, 'rest')]); // redelivered: nothing twice
    expect(await closes()).toEqual([{ close: '17.95000000', revision: '2' }, { close: '17.98000000', revision: '10' }]);
    expect((await revisions()).map((r) => [r.close, r.revision, r.new_revision, r.new_provider])).toEqual([['17.92000000', '0', '3', 'file'], ['17.97000000', '3', '10', 'rest']]);
  });
});
