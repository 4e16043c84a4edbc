import { mkdir } from 'node:fs/promises';
import type { Db } from './db-port';
import type { PgConnectionOptions } from './pg-connection';
import { PgDb } from './pg-db';
import { PgliteDb } from './pglite-db';

/**
 * A server when a URL is configured (PostgreSQL or TimescaleDB), otherwise embedded TimescaleDB
 * persisted under `embeddedDataDir` (created if missing): zero setup for a quick start. Nothing
 * connects yet; TLS settings of the URL are checked (ConfigError).
 */
export async function openDb(databaseUrl: string | undefined, embeddedDataDir: string, connection: PgConnectionOptions = {}): Promise<Db> {
  if (databaseUrl) return new PgDb(databaseUrl, {}, connection);
  await mkdir(embeddedDataDir, { recursive: true });
  return PgliteDb.open({ dataDir: embeddedDataDir });
}
