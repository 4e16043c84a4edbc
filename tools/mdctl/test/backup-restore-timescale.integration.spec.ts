import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CleanBar } from '@md/contracts';
import { DBB_EXCERPT_FILE, fixturePath } from '@md/fixtures';
import { cleanBar } from '@md/market';
import { DEFAULT_STORAGE_OPTIONS, PgliteDb, migrate, recordSinkOffset, upsertBars } from '@md/storage';
import { rowsToRawBars } from '@md/testing';
import { parseManifest, type BackupManifest } from '../src/backup/backup-manifest';
import { dumpSchema } from '../src/backup/dump-schema';
import { loadSchema, prepareSchema, verifyFiles } from '../src/backup/load-schema';

// Integration, in process: the TimescaleDB path of backup and restore on embedded TimescaleDB
// (PGlite's timescaledb build; the local PostgreSQL server has no TimescaleDB). Real DBB bars in
// one-day chunks, every chunk compressed, one continuous aggregate materialised only
// (materialized_only = true, so it shows exactly what was refreshed). The backup must read the
// rows through the hypertable (decompressed) and no materialisation; the restore must rebuild the
// hypertable, its policies and the aggregates, whose refresh gives the same buckets as before.

const options = { ...DEFAULT_STORAGE_OPTIONS, schema: 'md', chunkInterval1m: '1 day', realTimeAggregates: false };
const digest = (table: string, columns: string) => `SELECT count(*)::int AS rows, md5(string_agg(r, E'\\n' ORDER BY r)) AS digest FROM (SELECT ROW(${columns})::text AS r FROM md.${table}) x`;
const BAR_COLUMNS = 'symbol, timeframe, time, open, high, low, close, volume, trade_count, vwap, session, split_factor, dividend_factor, provider, revision, ingest_time';
const AGG_COLUMNS = 'symbol, time, open, high, low, close, volume, vwap, bar_count';

describe('backup and restore on embedded TimescaleDB: hypertables read decompressed, the continuous aggregate recomputed (integration)', () => {
  let bars: CleanBar[] = [];
  let db: PgliteDb | undefined;
  let dir: string | undefined;
  let manifest: BackupManifest;

  beforeAll(async () => {
    // The fixture first: without it (the failing run) this fails before opening anything.
    const lines = readFileSync(fixturePath(DBB_EXCERPT_FILE), 'utf8').trim().split(/\r?\n/).slice(1);
    const rows = lines.map((l) => l.split(',')).map(([timestamp, open, high, low, close, volume]) => ({ timestamp, open, high, low, close, volume }));
    const byTime = new Map(rowsToRawBars(rows, 'DBB').map((raw) => [raw.eventTime, cleanBar(raw)]));
    bars = [...byTime.values()];
    dir = mkdtempSync(join(tmpdir(), 'md-backup-ts-'));
    db = await PgliteDb.open({});
    await migrate(db, options);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const one = async <T>(sql: string) => (await db!.query<T>(sql)).rows[0];

  it('backs up compressed hypertables as rows, and restores them with their policies and aggregates', async () => {
    await db!.transaction(async (tx) => {
      await upsertBars(tx, bars, 'md');
      await recordSinkOffset(tx, 'md', 'md-timescale-writer', 'md.bars.v1', 3, String(bars.length));
    });
    await db!.query(`CALL refresh_continuous_aggregate('md.bars_1h', NULL, NULL)`);
    const compressed = await one<{ n: number }>(`SELECT count(compress_chunk(c))::int AS n FROM show_chunks('md.bars') c`);
    expect(compressed.n).toBeGreaterThan(5);
    const before = { bars: await one(digest('bars', BAR_COLUMNS)), hourly: await one<{ rows: number }>(digest('bars_1h', AGG_COLUMNS)) };
    expect(before.hourly.rows).toBeGreaterThan(100);

    manifest = parseManifest(JSON.stringify(await dumpSchema(db!, { schema: 'md', dir: dir!, createdAt: new Date(), writerGroups: [], committedBefore: null })), 'manifest');
    expect(manifest.database).toMatchObject({ flavour: 'timescaledb', timescaleVersion: expect.stringMatching(/^2\./) });
    expect(manifest.tables.find((t) => t.name === 'bars')).toMatchObject({ kind: 'hypertable', rows: bars.length });
    // Data tables only: no chunk, no aggregate's materialisation, no bookkeeping.
    expect(manifest.tables.map((t) => t.name).filter((n) => /^_|^bars_|schema_migrations/.test(n))).toEqual([]);
    expect(manifest.sinkOffsets).toEqual([{ groupId: 'md-timescale-writer', topic: 'md.bars.v1', partition: 3, offset: String(bars.length) }]);

    await db!.query('DROP SCHEMA md CASCADE');
    const result = await loadSchema(db!, dir!, manifest, options);
    expect(result).toMatchObject({ timescale: true, rows: bars.length + 1, aggregates: ['bars_15m', 'bars_1d', 'bars_1h', 'bars_5m'] });
    expect(await one(digest('bars', BAR_COLUMNS))).toEqual(before.bars);
    expect(await one(digest('bars_1h', AGG_COLUMNS))).toEqual(before.hourly);
    const jobs = await db!.query<{ proc: string }>(`SELECT proc_name AS proc FROM timescaledb_information.jobs WHERE hypertable_schema = 'md' AND hypertable_name = 'bars'`);
    expect(jobs.rows.map((j) => j.proc)).toContain('policy_compression');
  });

  it('refuses to restore over data or from a corrupt file, naming them, before changing anything', async () => {
    await expect(prepareSchema(db!, manifest, 'md', false)).rejects.toThrow('schema md holds data (table md.bars has rows): restore into an empty schema (--db-schema), or pass --replace to drop md first');
    appendFileSync(join(dir!, 'bars.copy.gz'), 'x');
    await expect(verifyFiles(dir!, manifest)).rejects.toThrow(new RegExp(`^${join(dir!, 'bars.copy.gz')} is corrupt \\(sha256 [0-9a-f]{64}, the manifest says ${manifest.tables.find((t) => t.name === 'bars')!.sha256}\\): restore another backup$`));
  });
});
