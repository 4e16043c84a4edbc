import { LOCAL_STACK } from '@md/config';
import type { CleanBar } from '@md/contracts';
import { DEFAULT_STORAGE_OPTIONS, PgDb, barMonths, copyMergeBars, ensureMonthlyPartitions, migrate, upsertBars, type Queryable } from '../src';

// Integration (local PostgreSQL): the sink's two upsert forms follow the same revision rule.
const bar = (minute: number, close: string, revision: number): CleanBar => ({
  symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime: Date.UTC(2024, 2, 4, 14, 30 + minute) * 1000, ingestTime: 1,
  open: '17.90000000', high: '18.00000000', low: '17.80000000', close, volume: 100, tradeCount: null, vwap: null, revision,
  session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
});

describe.each([
  ['unnest', upsertBars],
  ['COPY + merge', copyMergeBars],
] as const)('bar upsert by %s (integration)', (_name, write) => {
  const schema = `t_upsert_${Math.random().toString(36).slice(2, 8)}`;
  const db = new PgDb(LOCAL_STACK.databaseUrl);
  const apply = (bars: CleanBar[]) => db.transaction(async (tx: Queryable) => {
    await ensureMonthlyPartitions(tx, schema, 'bars', barMonths(bars));
    await write(tx, bars, schema);
  });
  const closes = async () => (await db.query<{ close: string; revision: string }>(`SELECT close::text, revision::text FROM ${schema}.bars ORDER BY time`)).rows;

  beforeAll(() => migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema }));
  afterAll(async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
  });

  it('keeps the highest revision of a key within one batch', async () => {
    await apply([bar(0, '17.91000000', 0), bar(0, '17.95000000', 2), bar(0, '17.93000000', 1), bar(1, '17.92000000', 0)]);
    expect(await closes()).toEqual([{ close: '17.95000000', revision: '2' }, { close: '17.92000000', revision: '0' }]);
  });

  it('lets a later correction replace and a stale duplicate change nothing', async () => {
    await apply([bar(0, '17.99000000', 1), bar(1, '17.97000000', 3)]);
    expect(await closes()).toEqual([{ close: '17.95000000', revision: '2' }, { close: '17.97000000', revision: '3' }]);
  });
});
