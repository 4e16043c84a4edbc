import { CONFIG } from '@md/config';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Readiness } from '@md/observability';
import { DEFAULT_STORAGE_OPTIONS, migrate, openDb, runMaintenance, type Db, type StorageCapabilities, type StorageOptions } from '@md/storage';
import type { WriterConfig } from './config';

/** Opens the database (server or embedded), migrates it, and runs periodic maintenance. */
@Injectable()
export class StorageService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StorageService.name);
  private database?: Db;
  private caps?: StorageCapabilities;
  private timer?: NodeJS.Timeout;
  private maintaining = false;

  constructor(@Inject(CONFIG) private readonly config: WriterConfig, private readonly readiness: Readiness) {}

  get db(): Db {
    if (!this.database) throw new Error('database not open yet');
    return this.database;
  }

  get capabilities(): StorageCapabilities {
    if (!this.caps) throw new Error('database not migrated yet');
    return this.caps;
  }

  get schema(): string {
    return this.config.DB_SCHEMA;
  }

  async onModuleInit(): Promise<void> {
    const c = this.config;
    const where = c.DATABASE_URL ? c.DATABASE_URL.replace(/\/\/[^@]*@/, '//…@') : `embedded TimescaleDB in ${c.EMBEDDED_DATA_DIR}`;
    this.database = await openDb(c.DATABASE_URL, c.EMBEDDED_DATA_DIR);
    const options: StorageOptions = {
      ...DEFAULT_STORAGE_OPTIONS,
      schema: c.DB_SCHEMA,
      chunkInterval1m: c.CHUNK_INTERVAL_1M,
      compressAfter: c.COMPRESS_AFTER,
      retention: { ...DEFAULT_STORAGE_OPTIONS.retention, bars1m: c.RETENTION_BARS_1M },
    };
    const { applied, capabilities } = await migrate(this.database, options);
    this.caps = capabilities;
    this.logger.log(`${where}: ${capabilities.timescale
      ? `TimescaleDB ${capabilities.timescaleVersion} (hypertables, compression, continuous aggregates)`
      : `TimescaleDB not available on PostgreSQL ${capabilities.postgresVersion}: plain PostgreSQL fallback (range partitions, BRIN, materialised views)`}; migrations applied: ${applied.length ? applied.join(', ') : 'none'}`);
    this.readiness.register('database', () => this.db.ping());
    this.timer = setInterval(() => void this.maintain(), c.MAINTENANCE_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
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
