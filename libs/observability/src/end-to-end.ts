import type { Histogram } from 'prom-client';
import { providerReadyMicros } from './provider-time';
import type { StageMetrics } from './stage-metrics';

/** A committed record and the topic it came from (the shape of @md/kafka's TopicEvent). */
export interface CommittedRecord {
  topic: string;
  value: unknown;
}

/**
 * Observes md_end_to_end_latency_seconds for records a sink has just committed: now minus
 * providerReadyMicros, per topic. Call it after the commit, never before (a rolled-back write is
 * not stored). A provider clock ahead of ours gives a negative age, counted as 0; records without
 * a provider time (corporate actions, restatements, reprocess markers) are not observed.
 */
export function observeCommitted(metrics: StageMetrics, stage: string, records: readonly CommittedRecord[], nowUs = Date.now() * 1000): void {
  const byTopic = new Map<string, ReturnType<Histogram<'stage' | 'topic'>['labels']>>();
  for (const { topic, value } of records) {
    const ready = providerReadyMicros(topic, value);
    if (ready === undefined) continue;
    let child = byTopic.get(topic);
    if (!child) byTopic.set(topic, (child = metrics.endToEndLatency.labels(stage, topic)));
    child.observe(Math.max(0, nowUs - ready) / 1e6);
  }
}
