import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STORAGE_OPTIONS, PgliteDb, migrate } from '../src';

// Integration (embedded TimescaleDB on disk): reopening a data folder must keep the licensed
// features usable; the first upsert into a compressed chunk after a restart once failed with
// "not supported under the current timescale license".
describe('embedded TimescaleDB reopened from its folder (integration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-pglite-reopen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const upsert = (db: PgliteDb, close: string, revision: number) => db.query(
    `INSERT INTO md.bars (symbol, timeframe, time, open, high, low, close, volume, session, provider, revision, ingest_time)
     VALUES ('DBB', '1m', '2023-07-10 13:30:00+00', 17.9, 18.5, 17.9, $1, 3057, 'REGULAR', 'file', $2, now())
     ON CONFLICT (symbol, timeframe, time) DO UPDATE SET close = EXCLUDED.close, revision = EXCLUDED.revision
     WHERE EXCLUDED.revision > bars.revision`, [close, revision]);

  it('upserts into a compressed chunk after a restart', async () => {
    const first = await PgliteDb.open({ dataDir: dir });
    await migrate(first, DEFAULT_STORAGE_OPTIONS);
    await upsert(first, '17.91', 0);
    await first.query(`SELECT count(compress_chunk(c, true)) FROM show_chunks('md.bars') c`);
    await first.close();

    const second = await PgliteDb.open({ dataDir: dir });
    try {
      await upsert(second, '18.20', 1);
      const { rows } = await second.query<{ close: string; compressed: boolean }>(
        `SELECT b.close::text AS close, (SELECT bool_and(is_compressed) FROM timescaledb_information.chunks WHERE hypertable_name = 'bars') AS compressed
         FROM md.bars b WHERE symbol = 'DBB'`);
      expect(rows).toEqual([{ close: '18.20000000', compressed: true }]);
    } finally {
      await second.close();
    }
  });
});
