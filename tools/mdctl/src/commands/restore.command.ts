import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ZodError } from 'zod';
import { redactUrl } from '@md/config';
import { DEFAULT_STORAGE_OPTIONS, MIGRATIONS, parseStorageOptions, type StorageOptions } from '@md/storage';
import { endpointsOf, type CliIo } from '../cli-context';
import { formatTable } from '../format-table';
import { cliKafka, commitOffsetsOf, withAdmin } from '../kafka-admin';
import { OperationError, UsageError } from '../usage-error';
import { MANIFEST_FILE, parseManifest, restoreTarget, type BackupManifest } from '../backup/backup-manifest';
import { newestBackup } from '../backup/backup-names';
import { backupDatabaseUrl, databaseFailure, openDatabase, schemaOption } from '../backup/backup-database';
import { assertWriterStopped, topicRanges } from '../backup/backup-kafka';
import { loadSchema, prepareSchema, verifyFiles, type LoadResult } from '../backup/load-schema';
import { commitEntries, offsetRows, planRestoreOffsets, restoreGroups, type OffsetPlan } from '../backup/restore-offsets';

// `mdctl restore`: a backup of `mdctl backup` back into an empty (or, with --replace, dropped)
// schema, then the writer's consumer groups set to the offsets the backup covers, so the writer,
// started again, replays from Kafka everything stored since the backup. Order: everything that
// can refuse (manifest, checksums, a running writer, a schema holding data) is checked before the
// first change; the database comes before Kafka, so a failed load leaves the groups where they were.

export interface RestoreOptions {
  dbSchema?: string;
  replace?: boolean;
}

/**
 * The writer's layout settings (its own variables and defaults, apps/timescale-writer config.ts):
 * the restored schema is built by the same migrations with the same chunk, compression and
 * retention settings, so its policies are the writer's.
 */
export function restoreStorageOptions(schema: string, env: NodeJS.ProcessEnv = process.env): StorageOptions {
  const retention = env.RETENTION_BARS_1M ?? 'none';
  const options: StorageOptions = {
    ...DEFAULT_STORAGE_OPTIONS,
    schema,
    chunkInterval1m: env.CHUNK_INTERVAL_1M ?? DEFAULT_STORAGE_OPTIONS.chunkInterval1m,
    compressAfter: env.COMPRESS_AFTER ?? DEFAULT_STORAGE_OPTIONS.compressAfter,
    retention: { ...DEFAULT_STORAGE_OPTIONS.retention, bars1m: retention === 'none' ? null : retention },
  };
  try {
    return parseStorageOptions(options);
  } catch (err) {
    const field = String((err as ZodError).issues?.[0]?.path.at(-1) ?? '');
    const variable = { chunkInterval1m: 'CHUNK_INTERVAL_1M', compressAfter: 'COMPRESS_AFTER', bars1m: 'RETENTION_BARS_1M' }[field] ?? field;
    throw new UsageError(`${variable} is invalid: use an interval like "30 days" (the timescale-writer's setting)`);
  }
}

/** The backup folder `path` names: itself when it holds a manifest, else the newest backup in it. */
export async function locateBackup(path: string, schema?: string): Promise<string> {
  const dir = resolve(path);
  if (existsSync(join(dir, MANIFEST_FILE))) return dir;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new UsageError(`${dir} is not a backup folder: pass a folder made by \`mdctl backup\` (it holds ${MANIFEST_FILE}), or the --dir that keeps them`);
  }
  const { name, schemas } = newestBackup(names, schema);
  if (name) return join(dir, name);
  if (schemas.length > 1) throw new UsageError(`${dir} holds backups of several schemas (${schemas.join(', ')}): choose one with --db-schema, or pass a backup folder`);
  throw new UsageError(`${dir} holds no backup${schema ? ` of schema ${schema}` : ''} (no ${MANIFEST_FILE}, no backup-<schema>-<time> folder): check the path`);
}

function printSummary(io: CliIo, schema: string, result: LoadResult, plan: OffsetPlan, url: string): void {
  io.out.write(formatTable(['table', 'rows'], result.tables.map((t) => [t.name, t.rows])));
  const rate = result.loadMs > 0 ? Math.round((result.rows * 1000) / result.loadMs) : result.rows;
  io.out.write(`restored schema ${schema} of ${redactUrl(url)} (${result.timescale ? 'TimescaleDB' : 'plain PostgreSQL'}): ${result.tables.length} tables, ${result.rows} rows `
    + `loaded in ${(result.loadMs / 1000).toFixed(1)} s (${rate} rows/s); aggregates refreshed: ${result.aggregates.join(', ') || 'none'}\n`);
  io.out.write(formatTable(['group', 'topic', 'offsets set (partition=offset)', 'from', 'to replay'], offsetRows(plan)));
  for (const note of plan.notes) io.out.write(`note: ${note}\n`);
  const replay = plan.moves.reduce((n, m) => n + m.replay, 0n);
  io.out.write(`offsets set for ${plan.groups.length} group(s) on ${plan.moves.length} partition(s): start the timescale-writer (with these group ids) `
    + `and it re-reads ${replay} record(s) from there (everything since the backup), then follows the topics live\n`);
}

async function offsetPlan(cmd: Command, manifest: BackupManifest): Promise<OffsetPlan> {
  const { brokers, kafka } = endpointsOf(cmd);
  return withAdmin(cliKafka(kafka), brokers, async (admin) => {
    const groups = restoreGroups(manifest);
    await assertWriterStopped(admin, [...groups.keys()]);
    return planRestoreOffsets(manifest, await topicRanges(admin, [...groups.values()].flat()));
  });
}

export async function runRestore(path: string, opts: RestoreOptions, cmd: Command, io: CliIo): Promise<void> {
  const dir = await locateBackup(path, opts.dbSchema ?? process.env.DB_SCHEMA);
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
  const schema = schemaOption(opts.dbSchema, process.env, manifest.schema);
  const options = restoreStorageOptions(schema);
  restoreTarget(manifest, MIGRATIONS.map((m) => m.name), manifestPath);
  const url = backupDatabaseUrl(cmd, 'restore');
  io.out.write(`restoring ${dir} (${manifest.database.flavour}, taken ${manifest.createdAt}) into schema ${schema}\n`);
  await verifyFiles(dir, manifest);
  // Refuses while the writer runs, before the database is touched; the plan's log ends are read now.
  const plan = await offsetPlan(cmd, manifest);
  const db = openDatabase(url);
  let result: LoadResult;
  try {
    const state = await prepareSchema(db, manifest, schema, Boolean(opts.replace));
    if (state === 'replaced') io.out.write(`dropped schema ${schema} (--replace)\n`);
    result = await loadSchema(db, dir, manifest, options);
  } catch (err) {
    throw databaseFailure(err, url);
  } finally {
    await db.close();
  }
  const { brokers, kafka: connection } = endpointsOf(cmd);
  const kafka = cliKafka(connection);
  try {
    await withAdmin(kafka, brokers, async (admin) => {
      // Again right before the commit: a writer started during the load would overwrite our offsets.
      await assertWriterStopped(admin, plan.groups);
      for (const groupId of plan.groups) {
        const entries = commitEntries(plan, groupId);
        if (entries.length) await commitOffsetsOf(kafka, groupId, entries);
      }
    });
  } catch (err) {
    throw new OperationError(`schema ${schema} is restored but the writer's offsets were not set (${(err as Error).message}): do not start the writer; `
      + `run this restore again with --replace once that is fixed`, err);
  }
  printSummary(io, schema, result, plan, url);
}

export function registerRestore(program: Command, io: CliIo): void {
  program.command('restore')
    .description("restore a backup of `mdctl backup` into an empty schema and set the writer's consumer groups to the offsets it covers (the writer must be stopped); "
      + 'starting the writer then replays from Kafka everything stored since the backup')
    .argument('<backup>', 'a backup folder (backup-<schema>-<UTC time>), or the --dir of mdctl backup: its newest backup is restored')
    .option('--db-schema <name>', "schema to restore into (default: DB_SCHEMA, else the backup's schema); it must be absent or empty")
    .option('--replace', 'drop the schema first when it holds data (DROP SCHEMA … CASCADE)')
    .action(async (path: string, opts: RestoreOptions, cmd: Command) => runRestore(path, opts, cmd, io));
}
