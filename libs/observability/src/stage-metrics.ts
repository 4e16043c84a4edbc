import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { METRICS } from './metric-names';

/** The counters and histograms every stage exports, on the service's own registry. */
export class StageMetrics {
  readonly registry = new Registry();
  readonly recordsIn: Counter<'stage' | 'topic'>;
  readonly recordsOut: Counter<'stage' | 'topic'>;
  readonly recordsRejected: Counter<'stage' | 'reason'>;
  readonly batchDuration: Histogram<'stage'>;
  readonly retries: Counter<'stage' | 'error'>;
  readonly pausedPartitions: Gauge<'stage'>;

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
  }
}
