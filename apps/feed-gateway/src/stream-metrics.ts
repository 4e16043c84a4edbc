import { Counter, Gauge, Histogram } from 'prom-client';
import type { StageMetrics } from '@md/observability';
import { ALPACA_STREAM_METRIC_NAMES, type StreamMetrics } from './providers/alpaca/alpaca-stream.metrics';

/** Binds a connector's StreamMetrics to prom-client on the service's registry. */
export function alpacaStreamMetrics(stage: StageMetrics): StreamMetrics {
  const registers = [stage.registry];
  const n = ALPACA_STREAM_METRIC_NAMES;
  const messages = new Counter({ name: n.messages, help: 'Alpaca stream messages by type (b, u, t, q, error, rejected, ...).', labelNames: ['type'], registers });
  const reconnects = new Counter({ name: n.reconnects, help: 'Alpaca stream reconnects by reason.', labelNames: ['reason'], registers });
  const age = new Gauge({ name: n.lastMessageAge, help: 'Seconds since the last Alpaca stream frame.', registers });
  const latency = new Histogram({
    name: n.publishLatency, help: 'Provider event time (bar end) to Kafka acknowledgement, seconds.', registers,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60],
  });
  const backfilled = new Counter({ name: n.backfilledBars, help: 'Bars recovered by the REST backfill after a reconnect.', registers });
  return {
    message: (type) => messages.inc({ type }),
    reconnect: (reason) => reconnects.inc({ reason }),
    lastMessageAge: (seconds) => age.set(seconds),
    publishLatency: (seconds) => latency.observe(seconds),
    backfilled: (bars) => backfilled.inc(bars),
  };
}
