import type { StorageCapabilities } from '../capabilities';
import type { StorageOptions } from '../storage-options';
import { interval } from './migration-context';

export interface TimeSeriesTable {
  name: string;
  columns: string;
  timeColumn: string;
  chunkInterval: string;
  /** Compression: segment by the key minus time (null = no compression, for small tables). */
  compress: { segmentby: string; orderby: string } | null;
  retention: string | null;
}

/**
 * DDL for a time-series table other than bars: a hypertable with optional compression and
 * retention on TimescaleDB; on plain PostgreSQL one table with a BRIN index on its time column.
 * These tables are not partitioned there, so their writers need no partition upkeep; retention
 * is then not enforced (TimescaleDB policies only).
 */
export function timeSeriesTableDdl(schema: string, t: TimeSeriesTable, caps: StorageCapabilities, options: StorageOptions): string[] {
  const table = `${schema}.${t.name}`;
  const ddl = [`CREATE TABLE IF NOT EXISTS ${table} (${t.columns})`];
  if (!caps.timescale) return [...ddl, `CREATE INDEX IF NOT EXISTS ${t.name}_${t.timeColumn}_brin ON ${table} USING brin (${t.timeColumn})`];
  ddl.push(`SELECT create_hypertable('${table}', by_range('${t.timeColumn}', ${interval(t.chunkInterval)}), if_not_exists => true)`);
  if (t.compress) {
    ddl.push(
      `ALTER TABLE ${table} SET (timescaledb.compress, timescaledb.compress_segmentby = '${t.compress.segmentby}', timescaledb.compress_orderby = '${t.compress.orderby}')`,
      `SELECT add_compression_policy('${table}', compress_after => ${interval(options.compressAfter)}, if_not_exists => true)`,
    );
  }
  if (t.retention) ddl.push(`SELECT add_retention_policy('${table}', drop_after => ${interval(t.retention)}, if_not_exists => true)`);
  return ddl;
}
