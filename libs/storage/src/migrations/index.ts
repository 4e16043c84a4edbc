import { Umzug } from 'umzug';
import { detectCapabilities, type StorageCapabilities } from '../capabilities';
import type { Db } from '../db-port';
import { sqlIdentifier } from '../sql-identifier';
import { parseStorageOptions, type StorageOptions } from '../storage-options';
import { barsMigration } from './0001-bars.migration';
import { barAggregatesMigration } from './0002-bar-aggregates.migration';
import { marketTablesMigration } from './0003-market-tables.migration';
import { adjustmentSegmentsMigration } from './0004-adjustment-segments.migration';
import { derivedTablesMigration } from './0005-derived-tables.migration';
import { rawMarketTablesMigration } from './0006-raw-market-tables.migration';
import { pointInTimeMigration } from './0007-point-in-time.migration';
import { wideFeaturesMigration } from './0008-wide-features.migration';
import { sinkOffsetsMigration } from './0009-sink-offsets.migration';
import { barRevisionsMigration } from './0010-bar-revisions.migration';
import { symbolChangesMigration } from './0011-symbol-changes.migration';
import { tradingTablesMigration } from './0012-trading-tables.migration';
import type { Migration, MigrationContext } from './migration-context';
import { SchemaMigrationsStorage } from './schema-migrations-storage';

export type { Migration, MigrationContext } from './migration-context';

/** In order; names sort lexically, and a name, once released, never changes meaning. */
export const MIGRATIONS: readonly Migration[] = [barsMigration, barAggregatesMigration, marketTablesMigration, adjustmentSegmentsMigration, derivedTablesMigration, rawMarketTablesMigration, pointInTimeMigration,
  wideFeaturesMigration, sinkOffsetsMigration, barRevisionsMigration, symbolChangesMigration,
  tradingTablesMigration];

/**
 * Brings `<schema>` up to date and says which layout it has. Versioned and idempotent: applied
 * names are recorded in `<schema>.schema_migrations`, so a second run applies nothing.
 *
 * umzug (v3) runs them because it is storage-agnostic: it only needs `executed`/`logMigration`
 * from us, so one migration set and one bookkeeping table serve the `pg` adapter and the
 * in-process PGlite adapter, which no pg-bound migration tool can drive.
 * https://github.com/sequelize/umzug#custom
 *
 * All pending migrations run in ONE transaction under an advisory lock: PostgreSQL DDL is
 * transactional, so a failure leaves the schema as it was, and two services starting together
 * apply them once (the second waits, then finds nothing pending).
 *
 * The returned capabilities describe the layout actually built: a schema first migrated as
 * plain PostgreSQL stays plain (timescale false) even if the extension appears later, because
 * its tables are not hypertables and its aggregates are materialised views.
 */
/** `to` stops after that migration (tests of a migration over data of the layout before it). */
export async function migrate(db: Db, options: StorageOptions, to?: string): Promise<{ applied: string[]; capabilities: StorageCapabilities }> {
  const opts = parseStorageOptions(options);
  const schema = sqlIdentifier(opts.schema);
  const detected = await detectCapabilities(db);
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`md-storage-migrate:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const probe = new SchemaMigrationsStorage(tx, schema, detected.timescale);
    await probe.ensureTable();
    const layout = await probe.layout();
    const capabilities: StorageCapabilities = layout === false && detected.timescale
      ? { ...detected, timescale: false, timescaleVersion: null }
      : detected;
    if (layout === true && !detected.timescale) {
      throw new Error(`schema ${schema} was built for TimescaleDB, which this server does not offer (PostgreSQL ${detected.postgresVersion})`);
    }
    const context: MigrationContext = { db: tx, options: opts, capabilities };
    const umzug = new Umzug<MigrationContext>({
      migrations: [...MIGRATIONS],
      context,
      storage: new SchemaMigrationsStorage(tx, schema, capabilities.timescale),
      logger: undefined,
    });
    const applied = await umzug.up(to ? { to } : {});
    return { applied: applied.map((m) => m.name), capabilities };
  });
}
