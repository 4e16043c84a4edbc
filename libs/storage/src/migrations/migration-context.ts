import type { RunnableMigration } from 'umzug';
import type { StorageCapabilities } from '../capabilities';
import type { Queryable } from '../db-port';
import type { StorageOptions } from '../storage-options';

/** What every migration's `up` receives; it branches on `capabilities.timescale`. */
export interface MigrationContext {
  /** The migration transaction (all pending migrations commit together or not at all). */
  db: Queryable;
  options: StorageOptions;
  capabilities: StorageCapabilities;
}

export type Migration = RunnableMigration<MigrationContext>;

/** Runs statements one by one: the in-process driver takes one statement per query. */
export async function runStatements(db: Queryable, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await db.query(sql);
}

/** An interval literal; the value was validated by storageOptionsSchema before it got here. */
export const interval = (value: string): string => `INTERVAL '${value}'`;
