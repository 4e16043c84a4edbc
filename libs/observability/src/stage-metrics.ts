import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { observeCommitted, type CommittedRecord } from './end-to-end';
import { METRICS } from './metric-names';

/**
 * Bounds of md_end_to_end_latency_seconds: fine below 100 ms, so a p99 against the 100 ms goal can
 * be read from the buckets, and up to a minute; anything older (a replay, a backfill, a sink
 * working off a backlog after an outage) lands in +Inf and says so.
 */
export const END_TO_END_BUCKETS = [0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Bounds of md_query_duration_seconds (the read APIs' p95 target is 50 ms). */
export const QUERY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The counters and histograms every stage exports, on the service's own registry. */
export class StageMetrics {
  readonly registry = new Registry();
  readonly recordsIn: Counter<'stage' | 'topic'>;
  readonly recordsOut: Counter<'stage' | 'topic'>;
  readonly recordsRejected: Counter<'stage' | 'reason'>;
  readonly batchDuration: Histogram<'stage'>;
  readonly retries: Counter<'stage' | 'error'>;
  readonly pausedPartitions: Gauge<'stage'>;
  /** Provider event to sink commit, per sink (stage) and topic; observed by observeCommitted (end-to-end.ts). */
  readonly endToEndLatency: Histogram<'stage' | 'topic'>;
  /** HTTP read API handlers, by route template and status code (QueryTimingInterceptor). */
  readonly queryDuration: Histogram<'route' | 'status'>;

  constructor(readonly stage: string) {
    this.registry.setDefaultLabels({ service: stage });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.recordsIn = new Counter({ name: METRICS.recordsIn, help: 'Records read from a source (topic, file or provider), per stage.', labelNames: ['stage', 'topic'], registers });
    this.recordsOut = new Counter({ name: METRICS.recordsOut, help: 'Records published or stored, per stage and destination.', labelNames: ['stage', 'topic'], registers });
    this.recordsRejected = new Counter({ name: METRICS.recordsRejected, help: 'Records sent to the dead-letter topic, by error type.', labelNames: ['stage', 'reason'], registers });
    this.batchDuration = new Histogram({
      name: METRICS.batchDuration,
      help: 'Time to process and commit one batch.',
      labelNames: ['stage'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.retries = new Counter({ name: METRICS.retries, help: 'Retries after a retriable error (database or broker outage).', labelNames: ['stage', 'error'], registers });
    this.pausedPartitions = new Gauge({ name: METRICS.pausedPartitions, help: 'Partitions paused by back-pressure or an outage.', labelNames: ['stage'], registers });
    this.endToEndLatency = new Histogram({
      name: METRICS.endToEndLatency,
      help: 'Seconds from when a record could first exist at its provider (a bar\'s end, a trade\'s event time, a derived record\'s availableTime) to the sink\'s commit of it (database transaction, Redis reply). Replays and backfills of old data land in +Inf.',
      labelNames: ['stage', 'topic'],
      buckets: END_TO_END_BUCKETS,
      registers,
    });
    this.queryDuration = new Histogram({
      name: METRICS.queryDuration,
      help: 'Seconds from a read API call reaching its handler to its response being sent (query and serialisation), by route template and status code.',
      labelNames: ['route', 'status'],
      buckets: QUERY_BUCKETS,
      registers,
    });
  }

  /** md_end_to_end_latency_seconds of records a sink (`stage`) has just committed (end-to-end.ts). */
  observeCommitted(stage: string, records: readonly CommittedRecord[]): void {
    observeCommitted(this, stage, records);
  }
}
