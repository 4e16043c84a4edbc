import { SERVICE_NAMES } from '@md/config';
import { freePort, httpJson, startService, stopService, uniqueId, waitReady, waitFor, type RunningService } from '@md/testing';

// Integration: every service boots on the real stack, answers its probes and drains on SIGTERM.
describe('service probes (integration)', () => {
  const run = uniqueId('P');
  const services: RunningService[] = [];

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s, 'SIGKILL')));
  });

  it('starts all six services, each healthy, ready, exporting metrics, and exiting 0 on SIGTERM', async () => {
    for (const name of SERVICE_NAMES) {
      services.push(await startService(name, { GROUP_ID: `${name}-${run}`, TRANSACTIONAL_ID: `${name}-${run}` }, `test-${run}-${name}`));
    }
    await Promise.all(services.map((s) => waitReady(s)));
    for (const service of services) {
      expect((await httpJson(service.port, '/health')).body).toMatchObject({ status: 'ok', service: service.name });
      // Ready is live, not latched: on a loaded machine a check (the broker heard from within three
      // fetch waits, a group joined) can lapse for a moment after waitReady. Each must be ready again within the deadline.
      const ready = await waitFor(`${service.name} /ready`, async () => {
        const r = await httpJson(service.port, '/ready');
        return r.body.ready === true ? r : undefined;
      }, 30_000, 200);
      expect(ready!.status).toBe(200);
      const metrics = String((await httpJson(service.port, '/metrics')).body);
      expect(metrics).toContain(`process_cpu_seconds_total{service="${service.name}"}`);
      expect(metrics).toContain('# TYPE md_records_in_total counter');
    }
    const codes = await Promise.all(services.map((s) => stopService(s)));
    expect(codes).toEqual(SERVICE_NAMES.map(() => 0));
  });

  it('reports not ready, naming the check, while a dependency is unreachable', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const engine = await startService('feature-engine', { REDIS_URL: deadRedis }, `test-${run}-feature-engine-no-redis`);
    services.push(engine);
    await waitFor('feature-engine /health', async () => (await httpJson(engine.port, '/health')).status === 200, 60_000, 200);
    const ready = await waitFor('a readiness report naming redis', async () => {
      const r = await httpJson(engine.port, '/ready');
      return r.status === 503 && r.body.checks?.kafka === true && r.body.checks?.['kafka-feature-store'] === true && r.body.checks?.broker === true ? r : undefined;
    }, 60_000, 200);
    // The compute stage and the Redis sink's consumer group are up; only the store is missing.
    expect(ready!.body.checks).toEqual({ kafka: true, 'kafka-feature-store': true, broker: true, redis: false });
  });
});
