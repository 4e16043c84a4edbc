import { randomBytes } from 'node:crypto';
import { LOCAL_STACK } from '@md/config';
import type { Db } from '../src/db-port';
import { featureVectors } from '../src/derived-queries';
import { migrate } from '../src/migrations';
import { PgDb } from '../src/pg-db';
import { PgliteDb } from '../src/pglite-db';
import { DEFAULT_STORAGE_OPTIONS } from '../src/storage-options';

// Integration: migration 0008 moves the long feature rows of a schema built before it into one
// row per vector, on both layouts, and leaves `features` as a view of the old shape.
const TARGETS = [
  { name: 'embedded TimescaleDB', open: (): Promise<Db> => PgliteDb.open({}) },
  { name: 'plain PostgreSQL', open: async (): Promise<Db> => new PgDb(LOCAL_STACK.databaseUrl) },
];

describe.each(TARGETS)('migration 0008 (wide features) on $name', (target) => {
  const schema = `md_test_${randomBytes(4).toString('hex')}`;
  let db: Db;
  beforeAll(async () => {
    db = await target.open();
  }, 120_000);
  afterAll(async () => {
    if (db?.kind === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.close();
  });

  it('turns the long rows of each vector into one row, values in layout order, generation and available time kept', async () => {
    const options = { ...DEFAULT_STORAGE_OPTIONS, schema };
    expect((await migrate(db, options, '0007-point-in-time')).applied).not.toContain('0008-wide-features');
    const long = [
      ['1m', '2024-05-01T13:30:00Z', 'sma_20', null, null, 0], ['1m', '2024-05-01T13:30:00Z', 'ret_1', 0.5, null, 0],
      ['1m', '2024-05-01T13:31:00Z', 'sma_20', 15.25, '2024-05-01T13:32:00Z', 1], ['1m', '2024-05-01T13:31:00Z', 'ret_1', -0.125, '2024-05-01T13:32:00Z', 1],
      ['1d', '2024-05-01T13:30:00Z', 'vol_20', 0.01, '2024-05-01T20:00:00Z', 1],
    ];
    for (const [tf, time, name, value, available, generation] of long) {
      await db.query(`INSERT INTO ${schema}.features (symbol, timeframe, time, name, value, available_time, generation) VALUES ('DBB', $1, $2, $3, $4, $5, $6)`,
        [tf, time, name, value, available, generation]);
    }
    expect((await migrate(db, options, '0008-wide-features')).applied).toEqual(['0008-wide-features']);
    const range = { symbol: 'DBB', from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z'), limit: 10 };
    const minute = await featureVectors(db, schema, { ...range, timeframe: '1m' });
    expect(minute.map((r) => [r.time, r.availableTime, r.generation, r.values])).toEqual([
      ['2024-05-01T13:30:00.000Z', '2024-05-01T13:31:00.000Z', 0, { ret_1: 0.5, sma_20: null }],
      ['2024-05-01T13:31:00.000Z', '2024-05-01T13:32:00.000Z', 1, { ret_1: -0.125, sma_20: 15.25 }],
    ]);
    expect((await featureVectors(db, schema, { ...range, timeframe: '1d' })).map((r) => r.values)).toEqual([{ vol_20: 0.01 }]);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.features`);
    expect(rows[0].n).toBe(long.length);
  }, 120_000);
});
