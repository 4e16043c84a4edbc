import { join } from 'node:path';
import type { Db, Queryable } from '@md/storage';
import { OperationError } from '../usage-error';
import { MANIFEST_FORMAT_VERSION, type BackupManifest, type BackupTable, type GroupOffset } from './backup-manifest';
import { writeGzipFile } from './backup-files';
import { copyLine } from './copy-line';
import { appliedMigrations, dataTables, sequencesOf, timescaleInstalled, type CatalogTable } from './schema-catalog';

/** Rows per FETCH: memory stays bounded whatever the table's size; large enough that round trips do not dominate. */
export const FETCH_ROWS = 5000;

/**
 * Output settings every value is printed under, so the files read back the same on any server:
 * times in UTC, ISO dates, floats at their shortest exact form (PostgreSQL 12+: any
 * extra_float_digits > 0; https://www.postgresql.org/docs/15/runtime-config-client.html), hex bytea.
 * A restore sets them too (they also govern input).
 */
export const TEXT_SETTINGS = [`SET LOCAL TimeZone = 'UTC'`, `SET LOCAL DateStyle = 'ISO, YMD'`, `SET LOCAL IntervalStyle = 'postgres'`, 'SET LOCAL extra_float_digits = 1', `SET LOCAL bytea_output = 'hex'`];

export interface DumpRequest {
  schema: string;
  /** An existing, empty folder: the data files land here (the manifest is the caller's to write, last). */
  dir: string;
  createdAt: Date;
  writerGroups: BackupManifest['writerGroups'];
  committedBefore: GroupOffset[] | null;
  /** Called after each table, for progress lines. */
  onTable?: (table: BackupTable) => void;
}

/**
 * Every data table of the schema, read in ONE transaction, REPEATABLE READ READ ONLY: all reads
 * see the snapshot taken at its first query (PostgreSQL docs 13.2.2), so `sink_offsets` and the
 * rows agree exactly: a chunk the writer commits during the backup is in neither. READ ONLY: a
 * backup can never change what it copies. It takes no lock a writer waits on (only ACCESS SHARE).
 */
export async function dumpSchema(db: Db, request: DumpRequest): Promise<BackupManifest> {
  const { schema } = request;
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    for (const sql of TEXT_SETTINGS) await tx.query(sql);
    const migrations = await appliedMigrations(tx, schema);
    if (!migrations.names.length) throw new OperationError(`schema ${schema} has no schema_migrations table or it is empty: it is not a timescale-writer schema (check --db-schema, default DB_SCHEMA, else md)`);
    const version = await tx.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    const timescaleVersion = await timescaleInstalled(tx);
    const tables: BackupTable[] = [];
    for (const table of await dataTables(tx, schema)) {
      const dumped = await dumpTable(tx, schema, table, request.dir);
      tables.push(dumped);
      request.onTable?.(dumped);
    }
    const sequences = [];
    for (const name of await sequencesOf(tx, schema)) {
      const { rows } = await tx.query<{ last: string; called: boolean }>(`SELECT last_value::text AS last, is_called AS called FROM "${schema}"."${name}"`);
      sequences.push({ name, lastValue: rows[0].last, isCalled: rows[0].called });
    }
    return {
      format: 'md-backup',
      formatVersion: MANIFEST_FORMAT_VERSION,
      createdAt: request.createdAt.toISOString(),
      schema,
      database: { flavour: migrations.timescale ? 'timescaledb' : 'postgresql', postgresVersion: version.rows[0].v, timescaleVersion },
      migrations: migrations.names,
      tables,
      sequences,
      sinkOffsets: tables.some((t) => t.name === 'sink_offsets') ? await sinkOffsetRows(tx, schema) : [],
      writerGroups: request.writerGroups,
      committedBefore: request.committedBefore,
    } satisfies BackupManifest;
  });
}

/** One table through a cursor into `<table>.copy.gz`, each value as the server prints it (`::text`). */
async function dumpTable(tx: Queryable, schema: string, table: CatalogTable, dir: string): Promise<BackupTable> {
  const file = `${table.name}.copy.gz`;
  const columns = table.columns;
  let rows = 0;
  await tx.query(`DECLARE md_backup NO SCROLL CURSOR FOR SELECT ${columns.map((c) => `"${c}"::text AS "${c}"`).join(', ')} FROM "${schema}"."${table.name}"`);
  async function* lines(): AsyncGenerator<string> {
    for (;;) {
      const page = await tx.query<Record<string, string | null>>(`FETCH FORWARD ${FETCH_ROWS} FROM md_backup`);
      if (page.rows.length === 0) return;
      let chunk = '';
      for (const row of page.rows) chunk += copyLine(columns.map((c) => row[c]));
      rows += page.rows.length;
      yield chunk;
    }
  }
  const sha256 = await writeGzipFile(join(dir, file), lines());
  await tx.query('CLOSE md_backup');
  return { name: table.name, kind: table.kind, file, columns, rows, sha256, partitions: table.partitions };
}

async function sinkOffsetRows(tx: Queryable, schema: string): Promise<GroupOffset[]> {
  const { rows } = await tx.query<{ group_id: string; topic: string; partition: number; offset: string }>(
    `SELECT group_id, topic, partition, next_offset::text AS offset FROM "${schema}".sink_offsets ORDER BY group_id, topic, partition`,
  );
  return rows.map((r) => ({ groupId: r.group_id, topic: r.topic, partition: Number(r.partition), offset: r.offset }));
}
