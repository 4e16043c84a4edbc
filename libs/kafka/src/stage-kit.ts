import { Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { TOPICS, changelogTopic, topicSpec, type TopicName } from '@md/contracts';
import { Readiness, StageMetrics } from '@md/observability';
import { StopRequested } from './retry-loop';
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
      outageBudgetSeconds: settings.KAFKA_OUTAGE_BUDGET_SECONDS,
    };
  }

  /**
   * Starts a TransactionalStage whose state lives in the group's changelog (changelogTopic), after
   * creating its topics and registering its output schemas. Returns at once and starts in the
   * background, retrying a broker that is not there yet for up to the outage budget: Nest serves
   * /health meanwhile and /ready answers 503 until the group is joined. Stop it with `stage.stop()`.
   */
  async startTransactional(spec: TransactionalStageSpec): Promise<TransactionalStage> {
    const { settings: s } = spec;
    const outputs = [...spec.outputs, TOPICS.deadLetter];
    const changelog = changelogTopic(s.GROUP_ID);
    const stage = new TransactionalStage(this.context(spec.stage, s.GROUP_ID, spec.inputs, s), s.TRANSACTIONAL_ID, spec.transform, changelog);
    this.readiness.register(spec.readiness ?? 'kafka', stage.ready);
    const logger = new Logger(spec.stage);
    const prepare = async () => {
      await ensureTopics(this.kafka, [...new Set([...spec.inputs, ...outputs])].map(topicSpec));
      await this.codec.registerAll(outputs);
    };
    stage.start(prepare).then(
      () => logger.log(`consuming ${spec.inputs.join(', ')} as ${s.GROUP_ID}${spec.describe ? `; ${spec.describe}` : ''}; state in ${changelog}`),
      (err) => exitUnstarted(logger, err),
    );
    return stage;
  }
}

/** A stage that could not start within its outage budget (or met a non-retriable error) ends the process; one stopped while starting does not. */
export function exitUnstarted(logger: Logger, err: unknown): void {
  if (err instanceof StopRequested || (err as Error)?.cause instanceof StopRequested) return;
  logger.error(`could not start: ${(err as Error)?.message ?? err}`);
  process.exit(1);
}
