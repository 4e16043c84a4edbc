import { EventEmitter } from 'node:events';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { of } from 'rxjs';
import { HealthController } from './health.controller';
import { METRICS } from './metric-names';
import { QueryTimingInterceptor } from './query-timing.interceptor';
import { StageMetrics } from './stage-metrics';

class FeaturesController {}

function call(controller: unknown, route: string | undefined) {
  const response = Object.assign(new EventEmitter(), { statusCode: 200 });
  const context = {
    getType: () => 'http',
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => ({ route: route === undefined ? undefined : { path: route } }), getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, response };
}

async function count(metrics: StageMetrics, labels: Record<string, string>): Promise<number | undefined> {
  const values = (await metrics.registry.getSingleMetric(METRICS.queryDuration)!.get()).values as Array<{ labels: Record<string, unknown>; value: number; metricName?: string }>;
  return values.find((v) => v.metricName?.endsWith('_count') && Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('QueryTimingInterceptor', () => {
  const next: CallHandler = { handle: () => of({ ok: true }) };

  it('observes a read by its route template and the status sent, once the response has finished', async () => {
    const metrics = new StageMetrics('feature-engine');
    const { context, response } = call(FeaturesController, '/v1/features/:symbol');
    new QueryTimingInterceptor(metrics).intercept(context, next).subscribe();
    expect(await count(metrics, { route: '/v1/features/:symbol' })).toBeUndefined();
    response.statusCode = 404;
    response.emit('finish');
    expect(await count(metrics, { route: '/v1/features/:symbol', status: '404' })).toBe(1);
  });

  it('leaves the probes and /metrics out', async () => {
    const metrics = new StageMetrics('feature-engine');
    const { context, response } = call(HealthController, '/metrics');
    new QueryTimingInterceptor(metrics).intercept(context, next).subscribe();
    response.emit('finish');
    expect((await metrics.registry.getSingleMetric(METRICS.queryDuration)!.get()).values.filter((v) => v.value > 0)).toEqual([]);
  });
});
