import { StageMetrics } from '@md/observability';
import { bindStreamMetrics, streamMetricNames } from './stream-metrics';

describe('provider stream metrics', () => {
  it('names every provider\'s series the way Alpaca\'s are named', () => {
    expect(streamMetricNames('alpaca')).toEqual({
      messages: 'md_alpaca_stream_messages_total', reconnects: 'md_alpaca_stream_reconnects_total',
      lastMessageAge: 'md_alpaca_stream_last_message_age_seconds', publishLatency: 'md_alpaca_stream_publish_latency_seconds',
      backfilledBars: 'md_alpaca_stream_backfilled_bars_total',
    });
    expect(streamMetricNames('polygon').reconnects).toBe('md_polygon_stream_reconnects_total');
  });

  it('counts messages by type, reconnects by reason and backfilled bars on the service registry', async () => {
    const stage = new StageMetrics('feed-gateway');
    const metrics = bindStreamMetrics(stage, 'polygon', 'Polygon');
    metrics.message('AM');
    metrics.message('AM');
    metrics.reconnect('pong_timeout');
    metrics.backfilled(7);
    metrics.lastMessageAge(1.5);
    metrics.publishLatency(0.004);
    const text = await stage.registry.metrics();
    expect(text).toContain('md_polygon_stream_messages_total{type="AM",service="feed-gateway"} 2');
    expect(text).toContain('md_polygon_stream_reconnects_total{reason="pong_timeout",service="feed-gateway"} 1');
    expect(text).toContain('md_polygon_stream_backfilled_bars_total{service="feed-gateway"} 7');
    expect(text).toContain('md_polygon_stream_last_message_age_seconds{service="feed-gateway"} 1.5');
    expect(text).toContain('md_polygon_stream_publish_latency_seconds_bucket{le="0.005",service="feed-gateway"} 1');
  });

  it('binds two providers side by side on one registry', () => {
    const stage = new StageMetrics('feed-gateway');
    bindStreamMetrics(stage, 'polygon', 'Polygon');
    expect(() => bindStreamMetrics(stage, 'other', 'Other')).not.toThrow();
  });
});
