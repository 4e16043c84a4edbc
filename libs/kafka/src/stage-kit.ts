import { Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { TOPICS, changelogTopic, topicSpec, type TopicName } from '@md/contracts';
import { Readiness, StageMetrics } from '@md/observability';
import { trackConsumer } from './connection-state';
import { SchemaCodec } from './schema-codec';
import type { StageSettings, TransactionalStageSettings } from './stage-config';
import type { StageContext } from './stage-context';
import { ensureTopics } from './topic-admin';
import { TransactionalStage, type Transform } from './transactional-stage';

export interface TransactionalStageSpec {
  /** Metrics label, logger name and dead-letter `stage`. */
  stage: string;
  settings: TransactionalStageSettings;
  inputs: readonly TopicName[];
  outputs: readonly TopicName[];
  transform: Transform;
  /** Name of the /ready check (default 'kafka'). */
  readiness?: string;
  /** Appended to the start-up log line (what this instance computes). */
  describe?: string;
}

/**
 * What every consuming stage is wired from (the broker client, the schema codec, the stage
 * metrics and the readiness checks), injected as one object, with the one way to start a
 * consume-transform-produce stage. Sinks extend TopicSink with it.
 */
@Injectable()
export class StageKit {
  constructor(
    readonly kafka: Kafka,
    readonly codec: SchemaCodec,
    readonly metrics: StageMetrics,
    readonly readiness: Readiness,
  ) {}

  /** The runners' context from a stage's config block (stageConfig). Inputs are replayable from the start when a group is new. */
  context(stage: string, groupId: string, topics: readonly TopicName[], settings: Omit<StageSettings, 'GROUP_ID'>, fetch?: StageContext['fetch']): StageContext {
    return {
      stage, kafka: this.kafka, codec: this.codec, metrics: this.metrics, groupId, topics: [...topics],
      maxBatchRecords: settings.MAX_BATCH_RECORDS, sessionTimeoutMs: settings.SESSION_TIMEOUT_MS,
      backoff: { initialMs: 200, maxMs: settings.RETRY_MAX_MS }, fromBeginning: true, fetch,
    };
  }

  /**
   * Creates the stage's topics, registers its output schemas, and starts a TransactionalStage
   * whose state lives in the group's changelog (changelogTopic). Stop it with `stage.stop()`.
   */
  async startTransactional(spec: TransactionalStageSpec): Promise<TransactionalStage> {
    const { settings: s } = spec;
    const outputs = [...spec.outputs, TOPICS.deadLetter];
    await ensureTopics(this.kafka, [...new Set([...spec.inputs, ...outputs])].map(topicSpec));
    await this.codec.registerAll(outputs);
    const changelog = changelogTopic(s.GROUP_ID);
    const stage = new TransactionalStage(this.context(spec.stage, s.GROUP_ID, spec.inputs, s), s.TRANSACTIONAL_ID, spec.transform, changelog);
    this.readiness.register(spec.readiness ?? 'kafka', trackConsumer(stage.kafkaConsumer));
    await stage.start();
    new Logger(spec.stage).log(`consuming ${spec.inputs.join(', ')} as ${s.GROUP_ID}${spec.describe ? `; ${spec.describe}` : ''}; state in ${changelog}`);
    return stage;
  }
}
