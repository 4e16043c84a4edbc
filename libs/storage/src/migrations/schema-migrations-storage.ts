import type { UmzugStorage } from 'umzug';
import type { Queryable } from '../db-port';
import { sqlIdentifier } from '../sql-identifier';
import type { MigrationContext } from './migration-context';

/**
 * Umzug's bookkeeping in `<schema>.schema_migrations`, over our Queryable port rather than an
 * ORM, so one storage serves the pg and the in-process adapter. Each row also records which
 * layout the migration built (TimescaleDB or plain), since the same name builds different DDL.
 */
export class SchemaMigrationsStorage implements UmzugStorage<MigrationContext> {
  private readonly table: string;

  constructor(private readonly db: Queryable, schema: string, private readonly timescale: boolean) {
    this.table = `${sqlIdentifier(schema)}.schema_migrations`;
  }

  async ensureTable(): Promise<void> {
    await this.db.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
      name       text        PRIMARY KEY,
      timescale  boolean     NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  /** The layout earlier migrations built (true = TimescaleDB), or null on a fresh schema. */
  async layout(): Promise<boolean | null> {
    const r = await this.db.query<{ timescale: boolean }>(`SELECT timescale FROM ${this.table} ORDER BY name LIMIT 1`);
    return r.rows[0]?.timescale ?? null;
  }

  async logMigration({ name }: { name: string }): Promise<void> {
    await this.db.query(`INSERT INTO ${this.table} (name, timescale) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, this.timescale]);
  }

  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table} WHERE name = $1`, [name]);
  }

  async executed(): Promise<string[]> {
    const r = await this.db.query<{ name: string }>(`SELECT name FROM ${this.table} ORDER BY name`);
    return r.rows.map((row) => row.name);
  }
}
