import type { Provider } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { TransientError, type TopicName } from '@md/contracts';
import { StageKit, TopicSink, type Covered, type TopicEvent } from '@md/kafka';
import { describePgFailure, isPgConnectFailure, recordSinkOffset, sinkTransaction, type Queryable } from '@md/storage';
import type { WriterConfig } from './config';
import { StorageService } from './storage.service';

/** One consumer group of the writer: which topics it reads and how a chunk of them lands in the tables. */
export interface TableSinkSpec {
  /** Metrics label, logger name and dead-letter `stage`. */
  stage: string;
  groupId: (config: WriterConfig) => string;
  topics: readonly TopicName[];
  /** Name of the /ready check. */
  readiness: string;
  fetch?: (config: WriterConfig) => { minBytes: number; maxWaitTimeInMs: number };
  /** Topics produced outside the platform whose schemas this sink registers at start (TopicSinkSpec.contracts). */
  contracts?: readonly TopicName[];
  /** Idempotent write of one chunk, inside the sink's transaction. */
  write(tx: Queryable, events: TopicEvent[], schema: string, storage: StorageService): Promise<void>;
}

/**
 * A TopicSink into the writer's database: each chunk in one transaction (sinkTransaction), with
 * the offsets it covers recorded in `sink_offsets` by the same transaction (what a snapshot read
 * pairs its rows with, snapshot-then-tail), and committed to Kafka after that commit. The writer runs one per family of topics (bars, events,
 * derived, raw ticks), so a burst in one family never delays another.
 */
export class TableSink extends TopicSink {
  private readonly groupId: string;

  constructor(config: WriterConfig, kit: StageKit, private readonly storage: StorageService, private readonly table: TableSinkSpec) {
    super(kit, {
      stage: table.stage, groupId: table.groupId(config), topics: table.topics, settings: config, readiness: table.readiness,
      fetch: table.fetch?.(config), into: config.DB_SCHEMA, contracts: table.contracts,
    });
    this.groupId = table.groupId(config);
  }

  /**
   * A connection the server refuses (a password rotated under us, pg_hba, TLS) is retried like an
   * outage (the runner pauses and backs off) instead of stopping the stage.
   */
  protected async write(events: TopicEvent[], covered: Covered): Promise<void> {
    const { db, schema, capabilities } = this.storage;
    try {
      await sinkTransaction(db, capabilities, async (tx) => {
        await this.table.write(tx, events, schema, this.storage);
        await recordSinkOffset(tx, schema, this.groupId, covered.topic, covered.partition, covered.nextOffset);
      });
    } catch (err) {
      throw !(err instanceof TransientError) && isPgConnectFailure(err) ? new TransientError(`database refused the connection: ${describePgFailure(err)}`, err) : err;
    }
  }
}

/** The Nest provider of one table sink (Nest runs its lifecycle hooks like any provider's). */
export function tableSink(spec: TableSinkSpec): Provider {
  return {
    provide: `table-sink:${spec.stage}`,
    useFactory: (config: WriterConfig, kit: StageKit, storage: StorageService) => new TableSink(config, kit, storage, spec),
    inject: [CONFIG, StageKit, StorageService],
  };
}
