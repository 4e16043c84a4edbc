import { Counter, Gauge, Histogram } from 'prom-client';
import type { StageMetrics } from '@md/observability';
import { NO_STREAM_METRICS, type StreamMetrics } from './alpaca/alpaca-stream.metrics';

// Metrics per provider and channel (issue #5, Resilience): every streaming connector reports the
// same five series under its own prefix, md_<provider>_stream_*, so one dashboard and one alert
// rule read them all. Connectors see only the small StreamMetrics interface (first written for
// Alpaca, with any provider's reconnect reasons here); the gateway binds it to prom-client.

/** StreamMetrics with a provider's own reconnect reasons. */
export type ProviderStreamMetrics<Reason extends string = string> = Omit<StreamMetrics, 'reconnect'> & { reconnect(reason: Reason): void };

export const NO_PROVIDER_STREAM_METRICS: ProviderStreamMetrics = NO_STREAM_METRICS;

/** Metric names of one provider's stream, units in the name (STYLE.md habit 8). */
export function streamMetricNames(provider: string) {
  const prefix = `md_${provider}_stream`;
  return {
    messages: `${prefix}_messages_total`,
    reconnects: `${prefix}_reconnects_total`,
    lastMessageAge: `${prefix}_last_message_age_seconds`,
    publishLatency: `${prefix}_publish_latency_seconds`,
    backfilledBars: `${prefix}_backfilled_bars_total`,
  } as const;
}

/** Provider time to Kafka acknowledgement: 1 ms (the 10 ms budget) to a minute (a late backfill). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60];

/** Binds one provider's StreamMetrics to prom-client on the service's registry; `title` names it in the help texts. */
export function bindStreamMetrics(stage: StageMetrics, provider: string, title: string): ProviderStreamMetrics {
  const registers = [stage.registry];
  const names = streamMetricNames(provider);
  const series = {
    messages: new Counter({ name: names.messages, help: `${title} stream messages by type (data events, status, rejected).`, labelNames: ['type'], registers }),
    reconnects: new Counter({ name: names.reconnects, help: `${title} stream reconnects by reason.`, labelNames: ['reason'], registers }),
    age: new Gauge({ name: names.lastMessageAge, help: `Seconds since the last ${title} stream frame.`, registers }),
    latency: new Histogram({ name: names.publishLatency, help: `${title} event time (bar end) to Kafka acknowledgement, seconds.`, buckets: LATENCY_BUCKETS, registers }),
    backfilled: new Counter({ name: names.backfilledBars, help: `${title} bars recovered by the REST gap backfill after a reconnect.`, registers }),
  };
  return {
    message: (type) => series.messages.inc({ type }),
    reconnect: (reason) => series.reconnects.inc({ reason }),
    lastMessageAge: (seconds) => series.age.set(seconds),
    publishLatency: (seconds) => series.latency.observe(seconds),
    backfilled: (bars) => series.backfilled.inc(bars),
  };
}
