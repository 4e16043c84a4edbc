import { Counter, Histogram, type Registry } from 'prom-client';
import { METRICS } from '@md/observability';
import type { StoredFeatures, WriteOutcome } from './feature-store';

/** Hit/miss, write outcome and staleness of the Redis feature store (names in metric-names.ts). */
export class FeatureStoreMetrics {
  readonly writes: Counter<'outcome'>;
  readonly reads: Counter<'result'>;
  readonly staleness: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.writes = new Counter({ name: METRICS.featureStoreWrites, help: 'Feature vectors written to Redis: applied, stale (older than the stored one, e.g. a replay), or superseded (a newer one of the same key in the batch pushed it out of the history; not sent).', labelNames: ['outcome'], registers });
    this.reads = new Counter({ name: METRICS.featureStoreReads, help: 'Feature store lookups by result: hit or miss.', labelNames: ['result'], registers });
    this.staleness = new Histogram({
      name: METRICS.featureStoreStaleness,
      help: 'Age of the served features at read time: now minus the event time of the bar they describe.',
      buckets: [1, 5, 15, 60, 120, 300, 900, 3600, 86_400, 604_800],
      registers,
    });
  }

  countWrites(outcomes: readonly WriteOutcome[]): void {
    for (const o of outcomes) this.writes.inc({ outcome: o });
  }

  countReads(results: ReadonlyArray<StoredFeatures | null>, nowUs: number): void {
    for (const r of results) {
      this.reads.inc({ result: r ? 'hit' : 'miss' });
      if (r) this.staleness.observe(Math.max(0, (nowUs - r.eventTime) / 1e6));
    }
  }
}
