import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, type KafkaMessage } from 'kafkajs';
import { TOPICS } from '@md/contracts';
import { cleanBar, type RawBar } from '@md/domain';
import { DEFAULT_BACKOFF, SchemaCodec, TransactionalStage, trackConsumer, type OutputRecord } from '@md/kafka';
import { Readiness, StageMetrics } from '@md/observability';
import { PreprocessorConfig } from './config';

export const CONFIG = 'CONFIG';

/** md.raw.bars.v1 -> validate, session-tag -> md.bars.v1, rejects -> md.dlq.v1, in transactions. */
@Injectable()
export class PreprocessorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PreprocessorService.name);
  private stage?: TransactionalStage;

  constructor(
    @Inject(CONFIG) private readonly config: PreprocessorConfig,
    private readonly kafka: Kafka,
    private readonly codec: SchemaCodec,
    private readonly metrics: StageMetrics,
    private readonly readiness: Readiness,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.codec.registerAll([TOPICS.bars, TOPICS.deadLetter]);
    const ctx = {
      stage: 'preprocessor', kafka: this.kafka, codec: this.codec, metrics: this.metrics,
      groupId: this.config.GROUP_ID, topics: [TOPICS.rawBars], maxBatchRecords: this.config.MAX_BATCH_RECORDS, sessionTimeoutMs: this.config.SESSION_TIMEOUT_MS,
      backoff: DEFAULT_BACKOFF, fromBeginning: true,
    };
    this.stage = new TransactionalStage(ctx, this.config.TRANSACTIONAL_ID, (m) => this.transform(m));
    this.readiness.register('kafka', trackConsumer(this.stage.kafkaConsumer));
    await this.stage.start();
    this.logger.log(`consuming ${TOPICS.rawBars} as ${this.config.GROUP_ID}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stage?.stop();
  }

  private async transform(message: KafkaMessage): Promise<OutputRecord[]> {
    const raw = await this.codec.decode<RawBar>(message.value);
    const bar = cleanBar(raw);
    return [{ topic: TOPICS.bars, key: bar.symbol, value: await this.codec.encode(TOPICS.bars, bar) }];
  }
}
