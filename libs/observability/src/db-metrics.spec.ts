import { Registry } from 'prom-client';
import { DbMetrics, type PoolSnapshot } from './db-metrics';
import { METRICS } from './metric-names';

async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('DbMetrics', () => {
  it('reads the pool at each scrape: in use is open minus idle, waiting as the pool counts it', async () => {
    const registry = new Registry();
    let pool: PoolSnapshot | undefined;
    new DbMetrics(registry, { pool: () => pool, sizes: async () => ({ database: 1, schema: 1 }), intervalMs: 60_000 });
    pool = { total: 4, idle: 1, waiting: 7, max: 4 };
    expect(await value(registry, METRICS.dbPoolConnections, { state: 'in_use' })).toBe(3);
    expect(await value(registry, METRICS.dbPoolConnections, { state: 'idle' })).toBe(1);
    expect(await value(registry, METRICS.dbPoolConnections, { state: 'waiting' })).toBe(7);
    expect(await value(registry, METRICS.dbPoolMaxConnections)).toBe(4);
    pool = { total: 1, idle: 1, waiting: 0, max: 1 };
    expect(await value(registry, METRICS.dbPoolConnections, { state: 'in_use' })).toBe(0);
  });

  it('keeps the last size read and its time, and reads it again only when asked (the timer), not per scrape', async () => {
    const registry = new Registry();
    let reads = 0;
    const metrics = new DbMetrics(registry, { pool: () => undefined, sizes: async () => ({ database: 8_000_000 + ++reads, schema: 5_000 }), intervalMs: 60_000 });
    expect(await metrics.refresh()).toBe(true);
    await registry.metrics();
    await registry.metrics();
    expect(reads).toBe(1);
    expect(await value(registry, METRICS.dbSize, { scope: 'database' })).toBe(8_000_001);
    expect(await value(registry, METRICS.dbSize, { scope: 'schema' })).toBe(5_000);
    expect(await value(registry, METRICS.dbSizeRefreshed)).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('keeps the previous size when a read fails, and says so through the refresh time', async () => {
    const registry = new Registry();
    let fail = false;
    const metrics = new DbMetrics(registry, {
      pool: () => undefined, intervalMs: 60_000,
      sizes: async () => {
        if (fail) throw new Error('connection refused');
        return { database: 10, schema: 2 };
      },
    });
    await metrics.refresh();
    const first = await value(registry, METRICS.dbSizeRefreshed);
    fail = true;
    expect(await metrics.refresh()).toBe(false);
    expect(await value(registry, METRICS.dbSize, { scope: 'database' })).toBe(10);
    expect(await value(registry, METRICS.dbSizeRefreshed)).toBe(first);
  });
});
