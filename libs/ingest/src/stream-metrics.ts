import { Counter, Gauge, Histogram } from 'prom-client';
import type { StageMetrics } from '@md/observability';

// Metrics per provider and channel (issue #5, Resilience): every streaming connector reports the
// same five series under its own prefix, md_<provider>_stream_*, so one dashboard and one alert
// rule read them all. Connectors see only the small StreamMetrics interface, with their own
// reconnect reasons; the service binds it to prom-client.

/** What a streaming connector reports. */
export interface StreamMetrics<Reason extends string = string> {
  /** One message by the provider's type (Alpaca b, u, t, q, success, …; Polygon AM, T, Q, status), or 'rejected'. */
  message(type: string): void;
  /** Why a session ended and another is opened. */
  reconnect(reason: Reason): void;
  /** Seconds since the last frame of any kind, sampled every watchdog tick. */
  lastMessageAge(seconds: number): void;
  /** Provider time to publish resolved, seconds: trades and quotes from their time, minute bars from their end. */
  publishLatency(seconds: number): void;
  /** Bars recovered through the gap backfill after a reconnect. */
  backfilled(bars: number): void;
}

export const NO_STREAM_METRICS: StreamMetrics = {
  message: () => undefined,
  reconnect: () => undefined,
  lastMessageAge: () => undefined,
  publishLatency: () => undefined,
  backfilled: () => undefined,
};

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
export function bindStreamMetrics(stage: StageMetrics, provider: string, title: string): StreamMetrics {
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
