import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { TOPICS, type CleanBar } from '@md/contracts';
import { StageKit, TopicSink, type TopicEvent } from '@md/kafka';
import { barMonths, copyMergeBars, ensureMonthlyPartitions, sinkTransaction, upsertBars } from '@md/storage';
import type { WriterConfig } from './config';
import { StorageService } from './storage.service';

/** md.bars.v1 -> `bars`, upsert by natural key, offsets committed after the database commit. */
@Injectable()
export class BarsSinkService extends TopicSink {
  constructor(@Inject(CONFIG) config: WriterConfig, kit: StageKit, private readonly storage: StorageService) {
    super(kit, {
      stage: 'timescale-writer', groupId: config.GROUP_ID, topics: [TOPICS.bars], settings: config, readiness: 'kafka',
      fetch: { minBytes: config.FETCH_MIN_BYTES, maxWaitTimeInMs: config.FETCH_MAX_WAIT_MS }, into: `${config.DB_SCHEMA}.bars`,
    });
  }

  protected async write(events: TopicEvent[]): Promise<void> {
    const bars = events.map((e) => e.value as CleanBar);
    const { db, schema, capabilities } = this.storage;
    await sinkTransaction(db, capabilities, async (tx) => {
      if (!capabilities.timescale) await ensureMonthlyPartitions(tx, schema, 'bars', barMonths(bars));
      // COPY into staging + merge where the connection supports COPY (pg): measured 61k rows/s
      // against 39k for the unnest form (npm run bench, 1M bars); unnest on the embedded adapter.
      if (tx.copyFrom) await copyMergeBars(tx, bars, schema);
      else await upsertBars(tx, bars, schema);
    });
  }
}
