import { mkdir } from 'node:fs/promises';
import type { Db } from './db-port';
import { PgDb } from './pg-db';
import { PgliteDb } from './pglite-db';

/**
 * A server when a URL is configured (PostgreSQL or TimescaleDB), otherwise embedded TimescaleDB
 * persisted under `embeddedDataDir` (created if missing): zero setup for a quick start.
 */
export async function openDb(databaseUrl: string | undefined, embeddedDataDir: string): Promise<Db> {
  if (databaseUrl) return new PgDb(databaseUrl);
  await mkdir(embeddedDataDir, { recursive: true });
  return PgliteDb.open({ dataDir: embeddedDataDir });
}
