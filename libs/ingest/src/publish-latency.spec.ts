import { LATENCY_WINDOW, LatencyWindow } from './publish-latency';

describe('publish latency window', () => {
  it('is null before any record, then gives percentiles of what it holds', () => {
    const window = new LatencyWindow();
    expect(window.summary()).toBeNull();
    for (let ms = 100; ms >= 1; ms--) window.observe(ms);
    expect(window.summary()).toEqual({ window: LATENCY_WINDOW, records: 100, p50: 51, p99: 100, p999: 100, max: 100 });
  });

  it('keeps only the last LATENCY_WINDOW records', () => {
    const window = new LatencyWindow();
    for (let i = 0; i < LATENCY_WINDOW; i++) window.observe(1000);
    for (let i = 0; i < LATENCY_WINDOW; i++) window.observe(1);
    expect(window.summary()).toMatchObject({ records: LATENCY_WINDOW, max: 1 });
  });
});
