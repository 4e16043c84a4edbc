import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Queryable } from '@md/storage';

/** Bytes on disk: the whole database, and the writer's schema within it. */
export interface DbSizes {
  database: number;
  schema: number;
}

// Plain relations of the schema (tables, their partitions, materialised views), each with its
// indexes and TOAST (pg_total_relation_size). Partitioned parents have no storage of their own.
const PLAIN = `
  SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`;

// A hypertable's chunks, and those of a continuous aggregate's materialisation, live in
// _timescaledb_internal, and a compressed chunk's data in another internal table: hypertable_size()
// counts them all. Their parents in the schema are left out of the plain sum (counted there).
const TIMESCALE = `
  WITH ht AS (
    SELECT format('%I.%I', hypertable_schema, hypertable_name)::regclass AS rel FROM timescaledb_information.hypertables WHERE hypertable_schema = $1
    UNION ALL
    SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)::regclass FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1
  )
  SELECT (SELECT coalesce(sum(hypertable_size(rel)), 0) FROM ht)::bigint
       + (${PLAIN} AND c.oid NOT IN (SELECT rel FROM ht))::bigint`;

/**
 * Disk use for md_db_size_bytes. pg_database_size stats every file of the database, so callers run
 * it on a timer (DB_SIZE_INTERVAL_SECONDS), not per scrape.
 */
export async function databaseSizes(db: Queryable, schema: string, timescale: boolean): Promise<DbSizes> {
  const { rows } = await db.query<{ database: string; schema: string }>(
    `SELECT pg_database_size(current_database())::bigint AS database, (${timescale ? TIMESCALE : PLAIN})::bigint AS schema`, [schema]);
  return { database: Number(rows[0].database), schema: Number(rows[0].schema) };
}

/**
 * Bytes of the files under `dir` (the embedded database's data folder). The embedded database is
 * one connection: a size query there (pg_database_size, hypertable_size over every chunk) holds
 * it for seconds of WASM work and stalls the sinks, so its size is read from the filesystem. It
 * holds only this writer's data, so the schema's size is the same figure.
 */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}
