import { join } from 'node:path';
import { MIGRATIONS, detectCapabilities, migrate, type Db, type StorageOptions } from '@md/storage';
import { OperationError } from '../usage-error';
import { restoreTarget, type BackupManifest } from './backup-manifest';
import { copyTextOf, sha256OfFile } from './backup-files';
import { TEXT_SETTINGS } from './dump-schema';
import { aggregatesOf, appliedMigrations, firstNonEmptyTable, partitionsOf } from './schema-catalog';

/**
 * Every data file against the manifest's sha256, before anything is touched: a damaged backup
 * must not cost the operator the schema `--replace` would have dropped.
 */
export async function verifyFiles(dir: string, manifest: BackupManifest): Promise<void> {
  for (const t of manifest.tables) {
    const path = join(dir, t.file);
    let actual: string;
    try {
      actual = await sha256OfFile(path);
    } catch (err) {
      throw new OperationError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): the backup is incomplete; restore another one`, err);
    }
    if (actual !== t.sha256) throw new OperationError(`${path} is corrupt (sha256 ${actual}, the manifest says ${t.sha256}): restore another backup`);
  }
}

/**
 * A restore goes into an empty or absent schema: one holding data is refused, naming it, unless
 * `replace`, which drops it first (CASCADE: its views, aggregates and TimescaleDB's chunks with it).
 * TimescaleDB backups need a TimescaleDB server: their tables carry no partitions a plain server
 * could route rows into. Checked here, before any change.
 */
export async function prepareSchema(db: Db, manifest: BackupManifest, schema: string, replace: boolean): Promise<'absent' | 'empty' | 'replaced'> {
  const caps = await detectCapabilities(db);
  if (manifest.database.flavour === 'timescaledb' && !caps.timescale) {
    throw new OperationError(`the backup was made on TimescaleDB ${manifest.database.timescaleVersion ?? ''} and this server (PostgreSQL ${caps.postgresVersion}) does not offer it: restore into a TimescaleDB server`);
  }
  const holding = await firstNonEmptyTable(db, schema);
  if (holding === null) return 'absent';
  if (holding === '') return 'empty';
  if (!replace) throw new OperationError(`schema ${schema} holds data (table ${schema}.${holding} has rows): restore into an empty schema (--db-schema), or pass --replace to drop ${schema} first`);
  await db.query(`DROP SCHEMA "${schema}" CASCADE`);
  return 'replaced';
}

export interface LoadResult {
  timescale: boolean;
  tables: Array<{ name: string; rows: number }>;
  rows: number;
  /** Loading the rows (COPY and the count checks), without the migrations and the refreshes. */
  loadMs: number;
  aggregates: string[];
}

/**
 * Rebuilds the schema as the backup had it: the migrations it had applied (policies, indexes and
 * aggregates come back with them), partitions for the rows, then every file COPYed in one
 * transaction (all tables or none), counted against the manifest, sequences set past the rows,
 * and last the aggregates refreshed from the restored rows (a refresh cannot run in a transaction).
 */
export async function loadSchema(db: Db, dir: string, manifest: BackupManifest, options: StorageOptions): Promise<LoadResult> {
  const schema = options.schema;
  const to = restoreTarget(manifest, MIGRATIONS.map((m) => m.name), join(dir, 'manifest.json'));
  // An empty schema already at (or past) the backup's migrations is used as it is (umzug refuses a `to` already applied).
  const existing = await appliedMigrations(db, schema);
  const timescale = existing.names.includes(to) ? existing.timescale : (await migrate(db, options, to)).capabilities.timescale;
  if (manifest.database.flavour === 'timescaledb' && !timescale) {
    throw new OperationError(`schema ${schema} was built for plain PostgreSQL and the backup is of TimescaleDB tables: restore into a new schema (--db-schema) or drop ${schema} first (--replace)`);
  }
  await createPartitions(db, manifest, schema);
  const started = Date.now();
  await db.transaction(async (tx) => {
    if (!tx.copyFrom) throw new OperationError(`this database adapter (${db.kind}) cannot COPY: restore through a PostgreSQL connection`);
    for (const sql of TEXT_SETTINGS) await tx.query(sql);
    for (const t of manifest.tables) {
      await tx.copyFrom(`COPY "${schema}"."${t.name}" (${t.columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`, copyTextOf(join(dir, t.file)));
      const { rows } = await tx.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${schema}"."${t.name}"`);
      if (Number(rows[0].n) !== t.rows) {
        throw new OperationError(`${schema}.${t.name}: ${rows[0].n} rows loaded from ${join(dir, t.file)}, the manifest says ${t.rows}: nothing was restored; the backup is damaged, restore another one`);
      }
    }
    for (const s of manifest.sequences) await tx.query(`SELECT setval(format('%I.%I', $1::text, $2::text)::regclass, $3::bigint, $4)`, [schema, s.name, s.lastValue, s.isCalled]);
  });
  const loadMs = Date.now() - started;
  const aggregates = await aggregatesOf(db, schema, timescale);
  for (const view of aggregates) {
    // The whole range (NULL, NULL): the schema held nothing before, so that is the restored range.
    // https://docs.timescale.com/api/latest/continuous-aggregates/refresh_continuous_aggregate/
    await db.query(timescale ? `CALL refresh_continuous_aggregate('"${schema}"."${view}"', NULL, NULL)` : `REFRESH MATERIALIZED VIEW "${schema}"."${view}"`);
  }
  const tables = manifest.tables.map((t) => ({ name: t.name, rows: t.rows }));
  return { timescale, tables, rows: tables.reduce((n, t) => n + t.rows, 0), loadMs, aggregates };
}

/**
 * Plain PostgreSQL tables are range partitioned by month with no DEFAULT partition
 * (partitions.ts): the backup's partitions are created before their rows arrive. A table that is
 * a hypertable here (a plain backup restored into TimescaleDB) needs none.
 */
async function createPartitions(db: Db, manifest: BackupManifest, schema: string): Promise<void> {
  for (const t of manifest.tables.filter((x) => x.partitions.length)) {
    const parent = await db.query(`SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(format('%I.%I', $1::text, $2::text))`, [schema, t.name]);
    if (parent.rowCount === 0) continue;
    const existing = new Set((await partitionsOf(db, schema, t.name)).map((p) => p.name));
    for (const p of t.partitions.filter((x) => !existing.has(x.name))) {
      await db.query(`CREATE TABLE "${schema}"."${p.name}" PARTITION OF "${schema}"."${t.name}" ${p.bound}`);
    }
  }
}
