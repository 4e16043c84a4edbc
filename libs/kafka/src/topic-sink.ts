import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { topicSpec, type TopicName } from '@md/contracts';
import { SinkRunner, type Covered } from './sink-runner';
import type { StageSettings } from './stage-config';
import type { StageContext } from './stage-context';
import { exitUnstarted, type StageKit } from './stage-kit';
import { ensureTopics } from './topic-admin';

/** A decoded record and the topic it came from. */
export interface TopicEvent<T = unknown> {
  topic: string;
  value: T;
}

export interface TopicSinkSpec {
  /** Metrics label, logger name and dead-letter `stage`. */
  stage: string;
  groupId: string;
  topics: readonly TopicName[];
  settings: Omit<StageSettings, 'GROUP_ID'>;
  /** Name of the /ready check. */
  readiness: string;
  /** Broker-side batching of fetches (bytes or age, whichever first). */
  fetch?: StageContext['fetch'];
  /** What the sink writes to, for the start-up log line. */
  into: string;
  /**
   * Topics whose producers live outside the platform (a model publishing md.signals.v1): the sink
   * registers their value schemas at start, so an external producer finds the contract to encode
   * with (subject `<topic>-value`) once the platform runs.
   */
  contracts?: readonly TopicName[];
}

/**
 * A consumer group that decodes the Avro records of a few topics and writes each chunk with one
 * idempotent `write` (SinkRunner: offsets committed only after the write, bad records
 * dead-lettered, partitions paused and the write retried while the store is down). The writer's
 * bar, event and derived sinks and the feature-engine's Redis sink extend it; Nest calls the
 * lifecycle hooks (start after bootstrap; stop before the store closes).
 */
export abstract class TopicSink implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  private runner?: SinkRunner<TopicEvent>;

  protected constructor(
    protected readonly kit: StageKit,
    private readonly spec: TopicSinkSpec,
  ) {
    this.logger = new Logger(spec.stage);
  }

  /** Idempotent write of one chunk (upsert on the natural key), in topic order per partition; `covered` says which offsets it stores. */
  protected abstract write(events: TopicEvent[], covered: Covered): Promise<void>;

  /** Starts in the background (StageKit.startTransactional says why); /ready is 503 until the group is joined. */
  async onApplicationBootstrap(): Promise<void> {
    const { kit, spec } = this;
    const ctx = kit.context(spec.stage, spec.groupId, spec.topics, spec.settings, spec.fetch);
    this.runner = new SinkRunner<TopicEvent>(ctx, {
      decode: async (m, topic) => ({ topic, value: await kit.codec.decode(topic, m.value) }),
      write: (events, covered) => this.write(events, covered).then(() => kit.metrics.observeCommitted(spec.stage, events)),
    });
    kit.readiness.register(spec.readiness, this.runner.ready);
    const prepare = async () => {
      await ensureTopics(kit.kafka, spec.topics.map(topicSpec));
      if (spec.contracts?.length) await kit.codec.registerAll(spec.contracts);
    };
    this.runner.start(prepare).then(
      () => this.logger.log(`sinking ${spec.topics.join(', ')} into ${spec.into} as ${spec.groupId}`),
      (err) => exitUnstarted(this.logger, err),
    );
  }

  /** Before the store closes (its onApplicationShutdown): finish and commit the in-flight chunk. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }
}

/** The values of one topic's events, in order. */
export function valuesOf<T>(events: readonly TopicEvent[], topic: string): T[] {
  return events.filter((e) => e.topic === topic).map((e) => e.value as T);
}
