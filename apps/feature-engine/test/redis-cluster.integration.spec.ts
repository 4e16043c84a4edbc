import { readFileSync } from 'node:fs';
import type { Cluster } from 'ioredis';
import { createRedisClient, latestKey, readHistory, readLatest, writeFeatures, type StoredFeatures } from '@md/feature-store';
import { httpJson, startRedisCluster, startService, stopService, waitFor, waitReady, type LocalRedisCluster, type RunningService } from '@md/testing';
import { prepareStoreRun, snapshot, type StoreRun } from './store-run';

// Integration: the feature store on a Redis Cluster of three masters with a replica each (started
// here, on free loopback ports). First the store's functions across slots, then the real
// feature-engine process (the shared Kafka) filling it while one master is killed with -9.

describe('feature store on a Redis Cluster, through the failover of a master (integration)', () => {
  let cluster: LocalRedisCluster;
  let client: Cluster;
  let run: StoreRun | undefined;
  let engine: RunningService | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster(3, 1);
    client = createRedisClient({ node: { host: '', port: 0, db: 0 }, clusterNodes: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) }) as Cluster;
  });

  afterAll(async () => {
    if (engine) await stopService(engine);
    await run?.close();
    await client?.quit();
    await cluster?.stop();
  });

  const slotOf = async (key: string) => Number(await client.cluster('KEYSLOT', key));

  it('writes a batch spread over every master in one call and reads it back, latest and history', async () => {
    const o = { prefix: 'test:cluster', ttlSeconds: 600, historyLength: 3 };
    const T0 = Date.UTC(2024, 4, 1, 13, 30) * 1000;
    const symbols = Array.from({ length: 12 }, (_, i) => `CL${i}`);
    const vector = (symbol: string, i: number): StoredFeatures => ({ symbol, timeframe: '1m', eventTime: T0 + i * 60e6, featureSet: 'default-v1', values: { x: i, y: i ? 1 / i : null }, generation: 0 });
    const masters = new Set<number>();
    for (const s of symbols) masters.add((await cluster.masterOf(await slotOf(latestKey(o, s, '1m')))).port);
    expect(masters.size).toBe(3);

    const batch = symbols.flatMap((s) => [0, 1, 2, 3, 4].map((i) => vector(s, i)));
    // Per key, the two oldest of five are past the history of 3: superseded in the batch, not sent.
    expect(await writeFeatures(client, o, batch)).toEqual(batch.map((v) => (v.eventTime < vector('CL0', 2).eventTime ? 'superseded' : 'applied')));
    expect(await writeFeatures(client, o, [vector('CL0', 1)])).toEqual(['stale']);
    expect(await readLatest(client, o, symbols.map((symbol) => ({ symbol, timeframe: '1m' })))).toEqual(symbols.map((s) => vector(s, 4)));
    for (const s of symbols) expect(await readHistory(client, o, s, '1m', 10)).toEqual([4, 3, 2].map((i) => vector(s, i)));
  });

  it('the feature-engine fills the store, and loses nothing when a master is killed mid-run', async () => {
    run = await prepareStoreRun('RC', 6);
    const r = run;
    engine = await startService('feature-engine', { ...r.env, REDIS_CLUSTER_NODES: cluster.seeds }, `test-${r.id}-engine`);
    await waitReady(engine, 60_000);

    await r.send(0, 40);
    await waitFor('the engine to take the first bars', () => r.consumed(), 60_000, 200);
    let expected = await r.expected();
    await waitFor('the store to hold what the engine published', async () => JSON.stringify(await snapshot(client, r.options, r.symbols)) === JSON.stringify(expected), 30_000, 200);
    expect(await snapshot(client, r.options, r.symbols)).toEqual(expected);
    const sample = `${r.symbols[0]}/1m`;
    const served = await httpJson(engine.port, `/v1/features/${r.symbols[0]}?timeframe=1m&history=5`);
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ eventTime: expected[sample].latest!.eventTime, values: expected[sample].latest!.values });
    expect(served.body.history.map((h: StoredFeatures) => h.eventTime)).toEqual(expected[sample].history.slice(0, 5).map((h) => h.eventTime));

    // The master of the first symbol's keys dies once its replica has everything; the next bars
    // are sent at once, so the engine writes while the slots have no master, then through the promotion.
    const victim = await cluster.masterOf(await slotOf(latestKey(r.options, r.symbols[0], '1m')));
    await cluster.replicasInSync();
    victim.process.kill('SIGKILL');
    await victim.exited;
    await r.send(40, 80);
    await cluster.healthy();
    expect((await cluster.masterOf(await slotOf(latestKey(r.options, r.symbols[0], '1m')))).port).not.toBe(victim.port);

    await waitFor('the engine to take the rest', () => r.consumed(), 60_000, 200);
    expected = await r.expected();
    expect(expected[sample].history.length).toBeGreaterThan(60);
    await waitFor('the store to catch up after the failover', async () => JSON.stringify(await snapshot(client, r.options, r.symbols)) === JSON.stringify(expected), 30_000, 200);
    expect(await snapshot(client, r.options, r.symbols)).toEqual(expected);
    expect(engine.process.exitCode).toBeNull();
    // It did meet the dead node (a lost connection, logged once), and rode through it.
    expect(readFileSync(engine.logFile, 'utf8')).toContain(`node 127.0.0.1:${victim.port}:`);
    await waitFor('/ready 200 after the failover', async () => (await httpJson(engine!.port, '/ready')).status === 200, 20_000, 200);
  });
});
