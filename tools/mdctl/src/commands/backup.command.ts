import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { redactUrl } from '@md/config';
import { endpointsOf, type CliIo } from '../cli-context';
import { formatTable } from '../format-table';
import { cliKafka, withAdmin } from '../kafka-admin';
import { stageGroups, type StageGroup } from '../stages';
import { UsageError } from '../usage-error';
import { MANIFEST_FILE, type GroupOffset } from '../backup/backup-manifest';
import { PARTIAL, backupName, expiredBackups } from '../backup/backup-names';
import { backupDatabaseUrl, databaseFailure, openDatabase, schemaOption } from '../backup/backup-database';
import { committedOffsets } from '../backup/backup-kafka';
import { dumpSchema } from '../backup/dump-schema';

// `mdctl backup`: the writer's schema as a folder of gzip'd COPY files and a manifest (format in
// backup/backup-manifest.ts), read in one snapshot together with the Kafka offsets it covers, so
// `mdctl restore` plus a replay from those offsets recovers everything stored since. Run daily
// (deploy/k8s/base/mdctl-backup.yaml): Kafka keeps every topic the writer reads longer than a day
// by default (3 to 30 days, libs/contracts topics.ts), so a restore of the last backup and the
// replay lose nothing that reached Kafka; a topic kept less than a day (TOPIC_RETENTION) needs
// backups more often than its retention. Backups older than --keep-days in --dir are pruned after
// a successful one (daily snapshots kept 30 days).

export interface BackupOptions {
  dir?: string;
  keepDays: string;
  dbSchema?: string;
  group: string[];
}

export interface BackupPlan {
  dir: string;
  keepDays: number;
  schema: string;
  groups: StageGroup[];
}

/** Every option checked before anything connects: a bad one exits 2 with nothing written. */
export function backupPlan(o: BackupOptions, env: NodeJS.ProcessEnv = process.env): BackupPlan {
  if (!o.dir?.trim()) throw new UsageError('--dir is required: the folder that keeps the backups, e.g. --dir /var/backups/md');
  const keepDays = Number(o.keepDays);
  if (!Number.isInteger(keepDays) || keepDays < 1 || keepDays > 3650) throw new UsageError(`--keep-days "${o.keepDays}" is not a whole number of days from 1 to 3650`);
  return { dir: resolve(o.dir), keepDays, schema: schemaOption(o.dbSchema, env, 'md'), groups: stageGroups('timescale-writer', o.group) };
}

/**
 * Where the writer's groups stood just BEFORE the snapshot (see restore-offsets.ts for how a
 * restore uses them). Best effort: an unreachable broker must not cost the day's database backup;
 * the restore then starts those partitions from the log start instead, and says so.
 */
async function committedBefore(cmd: Command, groups: StageGroup[], io: CliIo): Promise<GroupOffset[] | null> {
  const { brokers, kafka } = endpointsOf(cmd);
  try {
    return await withAdmin(cliKafka(kafka), brokers, (admin) => committedOffsets(admin, groups));
  } catch (err) {
    io.err.write(`warning: ${(err as Error).message}; backing up without the groups' committed offsets `
      + '(a restore resumes partitions the database holds nothing of from their log start)\n');
    return null;
  }
}

async function prune(plan: BackupPlan, now: Date, io: CliIo): Promise<void> {
  for (const name of expiredBackups(await readdir(plan.dir), plan.schema, now, plan.keepDays)) {
    await rm(join(plan.dir, name), { recursive: true, force: true });
    io.out.write(`pruned ${join(plan.dir, name)} (${name.endsWith(PARTIAL) ? 'an unfinished backup over a day old' : `older than ${plan.keepDays} days`})\n`);
  }
}

export async function runBackup(plan: BackupPlan, url: string, cmd: Command, io: CliIo): Promise<string> {
  const writerGroups = plan.groups.map((g) => ({ variable: g.variable, groupId: g.groupId, topics: g.topics }));
  const committed = await committedBefore(cmd, plan.groups, io);
  const now = new Date();
  const final = join(plan.dir, backupName(plan.schema, now));
  // Written under .partial and renamed when complete: a folder with the backup's name is whole.
  const partial = `${final}${PARTIAL}`;
  await mkdir(plan.dir, { recursive: true });
  await mkdir(partial);
  const db = openDatabase(url);
  const started = Date.now();
  try {
    const manifest = await dumpSchema(db, { schema: plan.schema, dir: partial, createdAt: now, writerGroups, committedBefore: committed });
    await writeFile(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
    await rename(partial, final);
    const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
    const seconds = (Date.now() - started) / 1000;
    io.out.write(formatTable(['table', 'kind', 'rows'], manifest.tables.map((t) => [t.name, t.kind, t.rows])));
    io.out.write(`backed up schema ${plan.schema} of ${redactUrl(url)} (${manifest.database.flavour}, PostgreSQL ${manifest.database.postgresVersion}`
      + `${manifest.database.timescaleVersion ? `, TimescaleDB ${manifest.database.timescaleVersion}` : ''}): ${manifest.tables.length} tables, ${rows} rows, `
      + `${manifest.sinkOffsets.length} sink offsets, in ${seconds.toFixed(1)} s -> ${final}\n`);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw databaseFailure(err, url);
  } finally {
    await db.close();
  }
  await prune(plan, now, io);
  return final;
}

export function registerBackup(program: Command, io: CliIo): void {
  program.command('backup')
    .description("back up the timescale-writer's schema (one consistent snapshot, with the Kafka offsets it covers) into a new folder of --dir; prune backups older than --keep-days")
    .option('--dir <path>', 'folder that keeps the backups (created if missing); each backup is a folder backup-<schema>-<UTC time> in it')
    .option('--keep-days <n>', 'delete backups of the schema in --dir older than this many days, after a successful backup', '30')
    .option('--db-schema <name>', "the writer's schema (default: DB_SCHEMA, else md)")
    .option('--group <id>', "the writer's group id when not the default (VAR=id, e.g. EVENTS_GROUP_ID=x); repeatable", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (opts: BackupOptions, cmd: Command) => {
      const plan = backupPlan(opts);
      await runBackup(plan, backupDatabaseUrl(cmd, 'backup'), cmd, io);
    });
}
