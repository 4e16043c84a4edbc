import { Registry } from 'prom-client';
import { JOB_METRICS, JobMetrics } from './job.metrics';

describe('JobMetrics', () => {
  const sample = async (registry: Registry, name: string, labels: Record<string, string>) =>
    (await registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;

  it('counts runs by outcome from zero, and records, duration and last success of the runs that ended', async () => {
    const registry = new Registry();
    const metrics = new JobMetrics(registry, ['corporate-actions']);
    expect(await sample(registry, JOB_METRICS.runs, { job: 'corporate-actions', outcome: 'failure' })).toBe(0);
    metrics.observe('corporate-actions', 'success', 2_500, 3, 1_700_000_000_000);
    metrics.observe('corporate-actions', 'skipped', 0, 0, 1_700_000_060_000);
    metrics.observe('corporate-actions', 'failure', 1_000, 0, 1_700_000_120_000);
    expect(await sample(registry, JOB_METRICS.runs, { job: 'corporate-actions', outcome: 'success' })).toBe(1);
    expect(await sample(registry, JOB_METRICS.runs, { job: 'corporate-actions', outcome: 'skipped' })).toBe(1);
    expect(await sample(registry, JOB_METRICS.records, { job: 'corporate-actions' })).toBe(3);
    expect(await sample(registry, JOB_METRICS.lastSuccess, { job: 'corporate-actions' })).toBe(1_700_000_000);
    // Histogram values carry their series name (_count, _sum, _bucket), which MetricValue's type omits.
    const durations = (await registry.getSingleMetric(JOB_METRICS.duration)!.get()).values as Array<{ metricName?: string; value: number }>;
    expect(durations.find((v) => v.metricName === `${JOB_METRICS.duration}_count`)?.value).toBe(2);
    expect(durations.find((v) => v.metricName === `${JOB_METRICS.duration}_sum`)?.value).toBe(3.5);
  });
});
