import type { Queryable } from '@md/storage';

// What the backup and the restore read from the catalogs about one schema. Only the schema's own
// tables are listed: TimescaleDB keeps chunks, compressed chunks and continuous aggregates'
// materialisations in its `_timescaledb_*` schemas, which are never read; a hypertable is read
// through its parent, so compressed chunks come back decompressed
// (https://docs.timescale.com/use-timescale/latest/compression/about-compression/).

export interface CatalogTable {
  name: string;
  kind: 'table' | 'hypertable' | 'partitioned';
  columns: string[];
  partitions: Array<{ name: string; bound: string }>;
}

/** Our bookkeeping: rebuilt by the migrations a restore runs, never copied. */
const NOT_DATA = ['schema_migrations'];

export async function timescaleInstalled(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'timescaledb'`);
  return rows[0]?.v ?? null;
}

/**
 * The data tables of `schema` (ordinary, partitioned parents, hypertables; no partitions, views or
 * materialised views), each with its COPY column list: generated columns left out, since the
 * server computes them and COPY refuses them.
 */
export async function dataTables(db: Queryable, schema: string): Promise<CatalogTable[]> {
  const { rows } = await db.query<{ name: string; relkind: string }>(
    `SELECT c.relname AS name, c.relkind::text AS relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
    [schema],
  );
  const hypertables = new Set<string>();
  if (await timescaleInstalled(db)) {
    const h = await db.query<{ name: string }>(`SELECT hypertable_name AS name FROM timescaledb_information.hypertables WHERE hypertable_schema = $1`, [schema]);
    for (const r of h.rows) hypertables.add(r.name);
  }
  const tables: CatalogTable[] = [];
  for (const { name, relkind } of rows.filter((r) => !NOT_DATA.includes(r.name))) {
    const columns = await db.query<{ name: string }>(
      `SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass(format('%I.%I', $1::text, $2::text))
          AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
      [schema, name],
    );
    const kind = relkind === 'p' ? 'partitioned' : hypertables.has(name) ? 'hypertable' : 'table';
    tables.push({ name, kind, columns: columns.rows.map((c) => c.name), partitions: kind === 'partitioned' ? await partitionsOf(db, schema, name) : [] });
  }
  return tables;
}

/** A partitioned table's partitions with their bounds as the server prints them (under the session's TimeZone). */
export async function partitionsOf(db: Queryable, schema: string, table: string): Promise<Array<{ name: string; bound: string }>> {
  const { rows } = await db.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass(format('%I.%I', $1::text, $2::text)) ORDER BY c.relname`,
    [schema, table],
  );
  return rows;
}

export async function sequencesOf(db: Queryable, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'S' ORDER BY c.relname`,
    [schema],
  );
  return rows.map((r) => r.name);
}

/** The migrations recorded in the schema, and the layout they built (schema_migrations.timescale). */
export async function appliedMigrations(db: Queryable, schema: string): Promise<{ names: string[]; timescale: boolean }> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass(format('%I.schema_migrations', $1::text))::text AS t`, [schema]);
  if (!exists.rows[0]?.t) return { names: [], timescale: false };
  const { rows } = await db.query<{ name: string; timescale: boolean }>(`SELECT name, timescale FROM "${schema}".schema_migrations ORDER BY name`);
  return { names: rows.map((r) => r.name), timescale: rows[0]?.timescale ?? false };
}

/** null: the schema does not exist; otherwise the first data table holding a row ('' when none does). */
export async function firstNonEmptyTable(db: Queryable, schema: string): Promise<string | null> {
  const present = await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]);
  if (present.rowCount === 0) return null;
  for (const t of await dataTables(db, schema)) {
    const { rows } = await db.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "${schema}"."${t.name}") AS any`);
    if (rows[0].any) return t.name;
  }
  return '';
}

/**
 * The schema's aggregates of bars, each refreshed after a restore: TimescaleDB continuous
 * aggregates (their materialised rows are not backed up: recomputed from the restored rows), or
 * the plain PostgreSQL fallback's materialised views.
 */
export async function aggregatesOf(db: Queryable, schema: string, timescale: boolean): Promise<string[]> {
  const sql = timescale
    ? `SELECT view_name AS name FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 ORDER BY view_name`
    : `SELECT matviewname AS name FROM pg_matviews WHERE schemaname = $1 ORDER BY matviewname`;
  return (await db.query<{ name: string }>(sql, [schema])).rows.map((r) => r.name);
}
