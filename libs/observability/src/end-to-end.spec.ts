import { TOPICS } from '@md/contracts';
import { observeCommitted } from './end-to-end';
import { METRICS } from './metric-names';
import { StageMetrics } from './stage-metrics';

const NOW = Date.UTC(2024, 6, 10, 13, 31, 0, 40) * 1000;
const MINUTE = 60_000_000;

async function buckets(metrics: StageMetrics, stage: string, topic: string): Promise<Record<string, number>> {
  const histogram = (await metrics.registry.getSingleMetric(METRICS.endToEndLatency)!.get()).values as Array<{ labels: Record<string, unknown>; value: number; metricName?: string }>;
  const out: Record<string, number> = {};
  for (const v of histogram) {
    if (v.labels.stage === stage && v.labels.topic === topic) out[v.metricName?.endsWith('_bucket') ? `le=${v.labels.le}` : v.metricName!.replace(`${METRICS.endToEndLatency}_`, '')] = v.value;
  }
  return out;
}

describe('md_end_to_end_latency_seconds', () => {
  it('counts a bar committed 40 ms after its minute ended below 50 ms, and nothing for a topic without a provider time', async () => {
    const metrics = new StageMetrics('timescale-writer');
    const bar = { eventTime: NOW - 40_000 - MINUTE, timeframe: '1m' };
    observeCommitted(metrics, 'timescale-writer', [{ topic: TOPICS.bars, value: bar }, { topic: TOPICS.restatements, value: { publishedAt: NOW } }], NOW);
    const b = await buckets(metrics, 'timescale-writer', TOPICS.bars);
    expect(b).toMatchObject({ count: 1, 'le=0.03': 0, 'le=0.04': 1, 'le=0.05': 1, 'le=+Inf': 1 });
    expect(b.sum).toBeCloseTo(0.04, 6);
    expect(await buckets(metrics, 'timescale-writer', TOPICS.restatements)).toEqual({});
  });

  it('puts a replayed bar of last year in +Inf only, and a provider clock ahead of ours at 0', async () => {
    const metrics = new StageMetrics('timescale-writer');
    metrics.observeCommitted('timescale-writer', [
      { topic: TOPICS.bars, value: { eventTime: NOW - 365 * 24 * 60 * MINUTE, timeframe: '1m' } },
      { topic: TOPICS.rawTrades, value: { eventTime: Date.now() * 1000 + 5_000_000 } },
    ]);
    expect(await buckets(metrics, 'timescale-writer', TOPICS.bars)).toMatchObject({ count: 1, 'le=60': 0, 'le=+Inf': 1 });
    expect(await buckets(metrics, 'timescale-writer', TOPICS.rawTrades)).toMatchObject({ count: 1, sum: 0, 'le=0.005': 1 });
  });

  it('keeps the sinks apart by their stage label', async () => {
    const metrics = new StageMetrics('feature-engine');
    const vector = { eventTime: NOW - MINUTE, timeframe: '1m', availableTime: NOW - 20_000 };
    metrics.observeCommitted('feature-store', [{ topic: TOPICS.features, value: vector }, { topic: TOPICS.features, value: vector }]);
    expect((await buckets(metrics, 'feature-store', TOPICS.features)).count).toBe(2);
    expect(await buckets(metrics, 'timescale-writer-derived', TOPICS.features)).toEqual({});
  });
});
