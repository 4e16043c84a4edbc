import { LOCAL_STACK } from '@md/config';
import type { CleanBar } from '@md/contracts';
import { DEFAULT_STORAGE_OPTIONS, PgDb, PgliteDb, barMonths, barsSnapshot, ensureMonthlyPartitions, migrate, recordSinkOffset, sinkOffsets, upsertBars, type Db } from '../src';

// Integration, both targets: the offsets a sink records beside its rows, and the snapshot that
// pairs them (snapshot-then-tail).
const bar = (minute: number, close: string, revision = 0): CleanBar => ({
  symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime: Date.UTC(2024, 2, 4, 14, 30 + minute) * 1000 + 5, ingestTime: 1_000_001,
  open: '17.90000000', high: '18.00000000', low: '17.80000000', close, volume: 100 + minute, tradeCount: minute ? 3 : null, vwap: minute ? '17.85000000' : null, revision,
  session: 'REGULAR', splitFactor: 1, dividendFactor: 0.5, generation: 2,
});

describe.each([
  ['embedded TimescaleDB', (): Promise<Db> => PgliteDb.open({})],
  ['PostgreSQL', async (): Promise<Db> => new PgDb(LOCAL_STACK.databaseUrl)],
] as const)('sink offsets and bar snapshots on %s (integration)', (_name, open) => {
  const schema = `t_offsets_${Math.random().toString(36).slice(2, 8)}`;
  let db: Db;
  const store = (bars: CleanBar[], partition: number, next: string) => db.transaction(async (tx) => {
    if (db.kind === 'pg') await ensureMonthlyPartitions(tx, schema, 'bars', barMonths(bars));
    await upsertBars(tx, bars, schema);
    await recordSinkOffset(tx, schema, 'writer', 'md.bars.v1', partition, next);
  });
  const range = { groupId: 'writer', topic: 'md.bars.v1', symbol: 'DBB', timeframe: '1m', from: new Date('2024-03-04T00:00:00Z'), to: new Date('2024-03-05T00:00:00Z'), limit: 100 };

  beforeAll(async () => {
    db = await open();
    await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema });
  }, 120_000);
  afterAll(async () => {
    if (db?.kind === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.close();
  });

  it('moves a partition\'s mark only forward: a chunk read again after a rebalance leaves it', async () => {
    await store([bar(0, '17.91000000'), bar(1, '17.92000000')], 2, '120');
    await store([bar(0, '17.91000000')], 2, '100');
    await store([bar(2, '17.93000000')], 5, '7');
    expect(await sinkOffsets(db, schema, 'writer', 'md.bars.v1')).toEqual([{ partition: 2, offset: '120' }, { partition: 5, offset: '7' }]);
    expect(await sinkOffsets(db, schema, 'other-group', 'md.bars.v1')).toEqual([]);
  });

  it('rolls the mark back with the rows when the transaction fails', async () => {
    await expect(db.transaction(async (tx) => {
      await recordSinkOffset(tx, schema, 'writer', 'md.bars.v1', 2, '500');
      throw new Error('the write failed');
    })).rejects.toThrow('the write failed');
    expect((await sinkOffsets(db, schema, 'writer', 'md.bars.v1'))[0]).toEqual({ partition: 2, offset: '120' });
  });

  it('returns the stored bars in the topic\'s shape, latest revision, with the marks', async () => {
    await store([bar(1, '17.99000000', 1)], 2, '121');
    const snapshot = await barsSnapshot(db, schema, range);
    expect(snapshot.offsets).toEqual([{ partition: 2, offset: '121' }, { partition: 5, offset: '7' }]);
    expect(snapshot.bars.map((b) => [b.eventTime, b.close, b.revision])).toEqual([
      [Date.UTC(2024, 2, 4, 14, 30) * 1000 + 5, '17.91000000', 0],
      [Date.UTC(2024, 2, 4, 14, 31) * 1000 + 5, '17.99000000', 1],
      [Date.UTC(2024, 2, 4, 14, 32) * 1000 + 5, '17.93000000', 0],
    ]);
    expect(snapshot.bars[1]).toEqual({
      symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime: Date.UTC(2024, 2, 4, 14, 31) * 1000 + 5, ingestTime: 1_000_001,
      open: '17.90000000', high: '18.00000000', low: '17.80000000', close: '17.99000000', volume: 101, tradeCount: 3, vwap: '17.85000000',
      revision: 1, session: 'REGULAR', splitFactor: 1, dividendFactor: 0.5, generation: 2,
    });
    expect((await barsSnapshot(db, schema, { ...range, limit: 1 })).bars).toHaveLength(1);
  });
});
