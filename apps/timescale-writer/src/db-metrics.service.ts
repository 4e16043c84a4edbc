import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { DbMetrics, StageMetrics, type PoolSnapshot } from '@md/observability';
import { databaseSizes, directorySize } from './db-usage';
import type { WriterConfig } from './config';
import { StorageService } from './storage.service';

/**
 * The writer's database gauges (libs/observability db-metrics.ts): its pool at each scrape, its
 * disk use every DB_SIZE_INTERVAL_SECONDS once the migrations have run.
 */
@Injectable()
export class DbMetricsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly metrics: DbMetrics;

  constructor(@Inject(CONFIG) config: WriterConfig, private readonly storage: StorageService, stage: StageMetrics) {
    this.metrics = new DbMetrics(stage.registry, {
      pool: () => this.pool(),
      // `capabilities` throws until the database is migrated: the first read waits for that. The
      // embedded database is measured on disk, never by a query holding its one connection.
      sizes: async () => {
        if (config.DATABASE_URL) return databaseSizes(storage.db, storage.schema, storage.capabilities.timescale);
        const bytes = await directorySize(config.EMBEDDED_DATA_DIR);
        return { database: bytes, schema: bytes };
      },
      intervalMs: config.DB_SIZE_INTERVAL_SECONDS * 1000,
    });
  }

  onApplicationBootstrap(): void {
    this.metrics.start();
  }

  /** Before the database closes (StorageService.onApplicationShutdown). */
  beforeApplicationShutdown(): void {
    this.metrics.stop();
  }

  private pool(): PoolSnapshot | undefined {
    try {
      return this.storage.db.poolStats();
    } catch {
      return undefined; // not open yet
    }
  }
}
