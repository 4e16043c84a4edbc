import { bucketsBetween, histogramBuckets, quantileOf, sampleOf, totalOf } from './prom-histogram';

const page = (count10: number, count100: number, inf: number, stage = 'timescale-writer') => [
  '# HELP md_end_to_end_latency_seconds x',
  '# TYPE md_end_to_end_latency_seconds histogram',
  `md_end_to_end_latency_seconds_bucket{le="0.01",stage="${stage}",topic="md.bars.v1",service="timescale-writer"} ${count10}`,
  `md_end_to_end_latency_seconds_bucket{le="0.1",stage="${stage}",topic="md.bars.v1",service="timescale-writer"} ${count100}`,
  `md_end_to_end_latency_seconds_bucket{le="+Inf",stage="${stage}",topic="md.bars.v1",service="timescale-writer"} ${inf}`,
  `md_end_to_end_latency_seconds_count{stage="${stage}",topic="md.bars.v1",service="timescale-writer"} ${inf}`,
  'process_resident_memory_bytes{service="timescale-writer"} 123456789',
].join('\n');

describe('reading a histogram from /metrics', () => {
  it('takes the buckets of one sink only, ascending with +Inf last', () => {
    const text = `${page(1, 2, 3)}\n${page(100, 100, 100, 'timescale-writer-derived')}`;
    expect(histogramBuckets(text, 'md_end_to_end_latency_seconds', { stage: 'timescale-writer' })).toEqual([
      { le: 0.01, count: 1 }, { le: 0.1, count: 2 }, { le: Infinity, count: 3 },
    ]);
  });

  it('interpolates a quantile inside its bucket over a window between two scrapes, as histogram_quantile does', () => {
    const before = histogramBuckets(page(10, 10, 10), 'md_end_to_end_latency_seconds', {});
    const after = histogramBuckets(page(60, 110, 110), 'md_end_to_end_latency_seconds', {});
    const window = bucketsBetween(before, after);
    expect(totalOf(window)).toBe(100);
    // 50 of 100 in (0, 10 ms], 50 in (10 ms, 100 ms]: the median is the first bucket's top, p99 near 100 ms.
    expect(quantileOf(window, 0.5)).toBeCloseTo(0.01, 9);
    expect(quantileOf(window, 0.99)).toBeCloseTo(0.01 + 0.09 * (49 / 50), 9);
  });

  it('says Infinity when the quantile is in +Inf (old data), and NaN without observations', () => {
    const replay = histogramBuckets(page(0, 1, 100), 'md_end_to_end_latency_seconds', {});
    expect(quantileOf(replay, 0.5)).toBe(Infinity);
    expect(quantileOf(replay, 0.01)).toBeCloseTo(0.1, 9);
    expect(quantileOf(bucketsBetween(replay, replay), 0.99)).toBeNaN();
  });

  it('reads a gauge, and nothing for a name it does not have', () => {
    expect(sampleOf(page(1, 2, 3), 'process_resident_memory_bytes')).toBe(123456789);
    expect(sampleOf(page(1, 2, 3), 'process_resident_memory')).toBeUndefined();
  });
});
