import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { type CleanBar, TOPICS } from '@md/contracts';
import { SchemaCodec, SinkRunner, createIdempotentProducer, trackConsumer } from '@md/kafka';
import { Readiness, StageMetrics } from '@md/observability';
import { barMonths, copyMergeBars, ensureMonthlyPartitions, upsertBars } from '@md/storage';
import type { WriterConfig } from './config';
import { CONFIG } from '@md/config';
import { StorageService } from './storage.service';

/** md.bars.v1 -> `bars`, upsert by natural key, offsets committed after the database commit. */
@Injectable()
export class BarsSinkService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BarsSinkService.name);
  private readonly dlq: Producer;
  private runner?: SinkRunner<CleanBar>;

  constructor(
    @Inject(CONFIG) private readonly config: WriterConfig,
    private readonly kafka: Kafka,
    private readonly codec: SchemaCodec,
    private readonly metrics: StageMetrics,
    private readonly readiness: Readiness,
    private readonly storage: StorageService,
  ) {
    this.dlq = createIdempotentProducer(kafka);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.codec.registerAll([TOPICS.deadLetter]);
    await this.dlq.connect();
    const c = this.config;
    const ctx = {
      stage: 'timescale-writer', kafka: this.kafka, codec: this.codec, metrics: this.metrics,
      groupId: c.GROUP_ID, topics: [TOPICS.bars], maxBatchRecords: c.MAX_BATCH_RECORDS, sessionTimeoutMs: c.SESSION_TIMEOUT_MS,
      backoff: { initialMs: 200, maxMs: c.RETRY_MAX_MS }, fromBeginning: true,
      fetch: { minBytes: c.FETCH_MIN_BYTES, maxWaitTimeInMs: c.FETCH_MAX_WAIT_MS },
    };
    this.runner = new SinkRunner<CleanBar>(ctx, {
      decode: (m) => this.codec.decode<CleanBar>(m.value),
      write: (bars) => this.write(bars),
    }, this.dlq);
    this.readiness.register('kafka', trackConsumer(this.runner.kafkaConsumer));
    await this.runner.start();
    this.logger.log(`sinking ${TOPICS.bars} into ${this.storage.schema}.bars as ${c.GROUP_ID}`);
  }

  /** Before the database closes (StorageService.onApplicationShutdown): finish and commit the batch. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
    await this.dlq.disconnect();
  }

  private async write(bars: CleanBar[]): Promise<void> {
    const { db, schema, capabilities } = this.storage;
    await db.transaction(async (tx) => {
      if (!capabilities.timescale) await ensureMonthlyPartitions(tx, schema, 'bars', barMonths(bars));
      // COPY into staging + merge where the connection supports COPY (pg): measured 61k rows/s
      // against 39k for the unnest form (npm run bench, 1M bars); unnest on the embedded adapter.
      if (tx.copyFrom) await copyMergeBars(tx, bars, schema);
      else await upsertBars(tx, bars, schema);
    });
  }
}
