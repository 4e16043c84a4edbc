import { LOCAL_STACK } from '@md/config';
import { TOPICS, type CleanBar } from '@md/contracts';
import { SchemaCodec, createIdempotentProducer } from '@md/kafka';
import { finishSliceRun, httpJson, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';

// Integration (issue 14, goals 4 and 8): what an operator watches on the writer. A bar stored now
// moves md_end_to_end_latency_seconds below a minute, a replayed bar of 2023 only its +Inf bucket;
// read API calls move md_query_duration_seconds by route and status; the pool and disk gauges are
// exported. The stack is shared: other runs may add to the sink's counters, so bars are counted
// as increases, while the read API counts are this test's alone.
const MINUTE = 60_000_000;
const LATENCY = 'md_end_to_end_latency_seconds';

function bar(symbol: string, eventTime: number): CleanBar {
  return {
    symbol, timeframe: '1m', provider: 'test', eventTime, ingestTime: Date.now() * 1000, open: '10.5', high: '10.75', low: '10.25', close: '10.5',
    volume: 100, tradeCount: null, vwap: null, revision: 0, session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
  };
}

describe('timescale-writer operator metrics (integration)', () => {
  let slice: SliceRun;
  let writer: RunningService | undefined;
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
  let producer: ReturnType<typeof createIdempotentProducer> | undefined;
  const metric = (name: string, labels: Record<string, string> = {}) => metricValue(writer!.port, name, labels);
  const barsLatency = (suffix: string, labels: Record<string, string> = {}) => metric(`${LATENCY}_${suffix}`, { stage: 'timescale-writer', topic: TOPICS.bars, ...labels });

  beforeAll(async () => {
    slice = await prepareSliceRun('OM');
    writer = await startService('timescale-writer', { ...slice.writerEnv, DB_SIZE_INTERVAL_SECONDS: '1' }, `test-${slice.run}-writer`);
    producer = createIdempotentProducer(slice.kafka);
    await Promise.all([waitReady(writer), producer.connect()]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    if (writer) await stopService(writer);
    await finishSliceRun(slice);
  });

  it('observes a bar committed now under a minute and a replayed 2023 bar in +Inf only, after both are stored', async () => {
    const before = { count: await barsLatency('count'), minute: await barsLatency('bucket', { le: '60' }) };
    const live = bar(slice.run, Date.now() * 1000 - MINUTE);
    const replayed = bar(slice.run, Date.UTC(2023, 6, 10, 13, 30) * 1000);
    await producer!.send({ topic: TOPICS.bars, messages: [{ key: slice.run, value: await codec.encode(TOPICS.bars, live) }, { key: slice.run, value: await codec.encode(TOPICS.bars, replayed) }] });
    await waitFor('both bars stored', async () => Number((await slice.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${slice.schema}.bars WHERE symbol = $1`, [slice.run])).rows[0].n) === 2, 60_000, 200);
    // The histogram is observed after the commit, before the offsets: wait for it rather than assume.
    const after = await waitFor('two observations', async () => {
      const a = { count: await barsLatency('count'), minute: await barsLatency('bucket', { le: '60' }), inf: await barsLatency('bucket', { le: '+Inf' }) };
      return a.count >= before.count + 2 ? a : undefined;
    }, 30_000, 200) as { count: number; minute: number; inf: number };
    expect(after.minute - before.minute).toBeGreaterThanOrEqual(1);
    expect((after.inf - after.minute) - (before.count - before.minute)).toBeGreaterThanOrEqual(1);
  });

  it('times read API calls by route template and status, and leaves the probes out', async () => {
    const q = `symbol=${slice.run}&timeframe=1m&from=2023-07-10T00:00:00Z&to=2023-07-11T00:00:00Z`;
    expect((await httpJson(writer!.port, `/v1/bars?${q}&limit=10`)).status).toBe(200);
    expect((await httpJson(writer!.port, `/v1/bars?${q}&limit=10`)).status).toBe(200);
    expect((await httpJson(writer!.port, `/v1/bars?${q}`)).status).toBe(400);
    expect((await httpJson(writer!.port, `/v1/bars/latest?symbols=${slice.run}`)).status).toBe(200);
    await httpJson(writer!.port, '/ready');
    const count = (route: string, status: string) => metric('md_query_duration_seconds_count', { route, status });
    expect(await count('/v1/bars', '200')).toBe(2);
    expect(await count('/v1/bars', '400')).toBe(1);
    expect(await count('/v1/bars/latest', '200')).toBe(1);
    expect(await metric('md_query_duration_seconds_count', { route: '/ready' })).toBe(0);
    expect(await metric('md_query_duration_seconds_sum', { route: '/v1/bars', status: '200' })).toBeGreaterThan(0);
  });

  it('exports the pool gauges (PostgreSQL: a pool of 4) and the disk use of the database and of its schema', async () => {
    const page = String((await httpJson(writer!.port, '/metrics')).body);
    for (const state of ['in_use', 'idle', 'waiting']) expect(page).toMatch(new RegExp(`^md_db_pool_connections\\{state="${state}",service="timescale-writer"\\} \\d+$`, 'm'));
    expect(await metric('md_db_pool_max_connections')).toBe(4);
    const sizes = await waitFor('the disk use read', async () => {
      const s = { database: await metric('md_db_size_bytes', { scope: 'database' }), schema: await metric('md_db_size_bytes', { scope: 'schema' }) };
      return s.schema > 0 ? s : undefined;
    }, 30_000, 250) as { database: number; schema: number };
    expect(sizes.database).toBeGreaterThan(sizes.schema);
    expect(await metric('md_db_size_refreshed_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
  });
});
