import { randomBytes } from 'node:crypto';
import { LOCAL_STACK } from '@md/config';
import type { CleanBar } from '@md/contracts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STORAGE_OPTIONS, PgDb, PgliteDb, barMonths, ensureMonthlyPartitions, migrate, upsertBars, type Db } from '@md/storage';
import { databaseSizes, directorySize } from '../src/db-usage';

// Integration: the pool gauges' counters and the disk-use query behind md_db_pool_connections and
// md_db_size_bytes, on embedded TimescaleDB (hypertable chunks live outside the schema) and on
// plain PostgreSQL (monthly partitions inside it).
const TARGETS = [
  { name: 'embedded TimescaleDB', max: 1, open: (): Promise<Db> => PgliteDb.open({}) },
  { name: 'plain PostgreSQL', max: 4, open: async (): Promise<Db> => new PgDb(LOCAL_STACK.databaseUrl) },
];
const START = Date.UTC(2024, 0, 2, 14, 30) * 1000;

function bars(n: number): CleanBar[] {
  return Array.from({ length: n }, (_, i) => ({
    symbol: 'USAGE', timeframe: '1m', provider: 'test', eventTime: START + i * 60_000_000, ingestTime: START, open: '10.5', high: '10.75', low: '10.25', close: '10.5',
    volume: 100 + i, tradeCount: null, vwap: null, revision: 0, session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
  }));
}

describe.each(TARGETS)('database usage on $name (integration)', (target) => {
  const schema = `md_usage_${randomBytes(4).toString('hex')}`;
  let db: Db;
  let timescale: boolean;

  beforeAll(async () => {
    db = await target.open();
    timescale = (await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema })).capabilities.timescale;
  }, 120_000);

  afterAll(async () => {
    if (!db) return;
    if (db.kind === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
  });

  it('counts the schema\'s rows where they are stored: the size grows with the bars written, inside the database\'s', async () => {
    const before = await databaseSizes(db, schema, timescale);
    const rows = bars(5000);
    await db.transaction(async (tx) => {
      if (!timescale) await ensureMonthlyPartitions(tx, schema, 'bars', barMonths(rows));
      await upsertBars(tx, rows, schema);
    });
    const after = await databaseSizes(db, schema, timescale);
    // 5,000 rows with their primary key are well over 300 kB wherever the chunks or partitions live.
    expect(after.schema - before.schema).toBeGreaterThan(300_000);
    expect(after.database).toBeGreaterThanOrEqual(after.schema);
  });

  it('shows a transaction holding a connection and a statement queued behind it, then all idle again', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const tx = db.transaction(async (q) => {
      await q.query('SELECT 1');
      entered();
      await held;
    });
    await inside;
    // On the embedded database the one connection is busy, so a statement waits for it.
    const queued = target.max === 1 ? db.query('SELECT 1') : undefined;
    const during = db.poolStats();
    expect(during.max).toBe(target.max);
    expect(during.total - during.idle).toBe(1);
    expect(during.waiting).toBe(target.max === 1 ? 1 : 0);
    release();
    await Promise.all([tx, queued]);
    const after = db.poolStats();
    expect([after.total - after.idle, after.waiting]).toEqual([0, 0]);
  });
});

describe('directorySize (the embedded database measured on disk)', () => {
  it('sums the bytes of every file below the folder, nested folders included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'md-dirsize-'));
    try {
      mkdirSync(join(dir, 'base', '16384'), { recursive: true });
      writeFileSync(join(dir, 'PG_VERSION'), 'x'.repeat(3));
      writeFileSync(join(dir, 'base', '16384', '1259'), Buffer.alloc(8192));
      writeFileSync(join(dir, 'base', '16384', '1259_fsm'), Buffer.alloc(24_576));
      expect(await directorySize(dir)).toBe(3 + 8192 + 24_576);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
