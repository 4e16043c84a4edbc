import type { Queryable } from './db-port';

export interface StorageCapabilities {
  /** TimescaleDB usable: hypertables, compression, continuous aggregates. False = plain PostgreSQL fallback. */
  timescale: boolean;
  /** Installed extension version (e.g. '2.23.0'), null when `timescale` is false. */
  timescaleVersion: string | null;
  /** server_version, e.g. '17.5' or '15.20 (Debian 15.20-0+deb12u1)'. */
  postgresVersion: string;
}

/**
 * TimescaleDB counts only if the server ships it (pg_available_extensions) AND it can be
 * created: on a server the library must also be in shared_preload_libraries, and the role
 * needs the right to create it; either failing means the plain PostgreSQL fallback.
 * https://docs.timescale.com/self-hosted/latest/install/installation-source/#set-up-the-timescaledb-extension
 */
export async function detectCapabilities(db: Queryable): Promise<StorageCapabilities> {
  const version = await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  const postgresVersion = version.rows[0].v;
  const fallback = { timescale: false, timescaleVersion: null, postgresVersion };
  const available = await db.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  if (available.rowCount === 0) return fallback;
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
  } catch {
    return fallback;
  }
  const installed = await db.query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'timescaledb'`);
  return { timescale: true, timescaleVersion: installed.rows[0]?.v ?? null, postgresVersion };
}
