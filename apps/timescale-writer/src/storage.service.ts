import { CONFIG, redactUrl, secretSource } from '@md/config';
import { TransientError } from '@md/contracts';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Readiness } from '@md/observability';
import {
  DEFAULT_STORAGE_OPTIONS, describePgFailure, migrate, openDb, runMaintenance, type Db, type StorageCapabilities, type StorageOptions,
} from '@md/storage';
import type { WriterConfig } from './config';

/**
 * Opens the database (server or embedded), migrates it, and runs periodic maintenance. A server
 * that cannot be reached or refuses us (password, pg_hba, TLS) is waited for, /ready answering
 * 503 and the sinks retrying, rather than exiting into a supervisor's crash loop: a rotated
 * password or a replaced certificate is fixed on the other side, without restarting us.
 */
@Injectable()
export class StorageService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StorageService.name);
  private database?: Db;
  private caps?: StorageCapabilities;
  private timer?: NodeJS.Timeout;
  private maintaining = false;
  private closing = false;
  /** Why the server cannot be used yet (for the sinks' retry messages). */
  private waitingFor = 'the database is being opened';

  constructor(@Inject(CONFIG) private readonly config: WriterConfig, private readonly readiness: Readiness) {}

  get db(): Db {
    if (!this.database) throw new Error('database not open yet');
    return this.database;
  }

  /** Retriable until migrated: a sink's write waits (partition paused, backoff) instead of failing. */
  get capabilities(): StorageCapabilities {
    if (!this.caps) throw new TransientError(`database not ready: ${this.waitingFor}`);
    return this.caps;
  }

  get schema(): string {
    return this.config.DB_SCHEMA;
  }

  private get where(): string {
    const c = this.config;
    return c.DATABASE_URL ? redactUrl(c.DATABASE_URL) : `embedded TimescaleDB in ${c.EMBEDDED_DATA_DIR}`;
  }

  async onModuleInit(): Promise<void> {
    const c = this.config;
    // A bad TLS setting (unknown sslmode, unreadable CA file) throws a ConfigError here: one line, exit 1.
    // Each new pool connection asks DATABASE_PASSWORD_FILE again: a rotated password needs no restart.
    this.database = await openDb(c.DATABASE_URL, c.EMBEDDED_DATA_DIR, { password: secretSource('DATABASE_PASSWORD', c.DATABASE_PASSWORD) });
    // libpq's weaker modes are allowed, as in libpq, but never silently (README, Production).
    const mode = /[?&]sslmode=([^&#]*)/.exec(c.DATABASE_URL ?? '')?.[1];
    if (mode === 'require' || mode === 'verify-ca') {
      this.logger.warn(`DATABASE_URL has sslmode=${mode}: the server's ${mode === 'require' ? 'certificate (unless sslrootcert is set) and host name are' : 'host name is'} not verified; use sslmode=verify-full`);
    }
    this.readiness.register('database', () => this.caps !== undefined && this.db.ping());
    const refused = await this.refusal();
    if (refused === undefined) await this.migrate();
    else void this.waitThenMigrate(refused);
    this.timer = setInterval(() => void this.maintain(), c.MAINTENANCE_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  /** Why a first statement fails (undefined: it ran). Only the connection is tested, not our SQL. */
  private async refusal(): Promise<string | undefined> {
    try {
      await this.db.query('SELECT 1');
      return undefined;
    } catch (err) {
      return describePgFailure(err);
    }
  }

  private async migrate(): Promise<void> {
    const c = this.config;
    const options: StorageOptions = {
      ...DEFAULT_STORAGE_OPTIONS,
      schema: c.DB_SCHEMA,
      chunkInterval1m: c.CHUNK_INTERVAL_1M,
      compressAfter: c.COMPRESS_AFTER,
      retention: { ...DEFAULT_STORAGE_OPTIONS.retention, bars1m: c.RETENTION_BARS_1M },
    };
    const { applied, capabilities } = await migrate(this.db, options);
    this.caps = capabilities;
    this.logger.log(`${this.where}: ${capabilities.timescale
      ? `TimescaleDB ${capabilities.timescaleVersion} (hypertables, compression, continuous aggregates)`
      : `TimescaleDB not available on PostgreSQL ${capabilities.postgresVersion}: plain PostgreSQL fallback (range partitions, BRIN, materialised views)`}; migrations applied: ${applied.length ? applied.join(', ') : 'none'}`);
  }

  /**
   * Retries with doubling waits up to RETRY_MAX_MS (the sinks' cap too: each of their retries
   * opens a connection anyway), one error line per distinct reason, then migrates. A migration
   * that fails on a working connection is a bug or a missing privilege: exit 1, as at a start.
   */
  private async waitThenMigrate(first: string): Promise<void> {
    let reason: string | undefined = first;
    this.logger.error(`cannot use the database at ${this.where}: ${first}; retrying (/ready answers 503 until it connects)`);
    for (let delay = Math.min(1000, this.config.RETRY_MAX_MS); reason !== undefined; delay = Math.min(delay * 2, this.config.RETRY_MAX_MS)) {
      this.waitingFor = reason;
      await new Promise((r) => setTimeout(r, delay));
      if (this.closing) return;
      const next = await this.refusal();
      if (next !== undefined && next !== reason) this.logger.error(`cannot use the database at ${this.where}: ${next}; retrying`);
      reason = next;
    }
    this.logger.log(`connected to the database at ${this.where}`);
    await this.migrate().catch((err) => {
      this.logger.error(`migration failed: ${err?.stack ?? err}`);
      process.exit(1);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    await this.database?.close();
  }

  /** One maintenance run at a time; a failure is logged and retried at the next tick. */
  async maintain(): Promise<void> {
    if (this.maintaining || !this.database || !this.caps) return;
    this.maintaining = true;
    try {
      await runMaintenance(this.database, this.caps, this.schema);
    } catch (err) {
      this.logger.warn(`maintenance failed, retrying next interval: ${(err as Error).message}`);
    } finally {
      this.maintaining = false;
    }
  }
}
