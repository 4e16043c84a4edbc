import Redis from 'ioredis';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type FeatureVectorRecord } from '@md/contracts';
import { SchemaCodec, createIdempotentProducer } from '@md/kafka';
import { httpJson, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';

// Integration (issue 14, goals 4 and 8): the feature-engine's Redis sink observes
// md_end_to_end_latency_seconds{stage="feature-store"} from a vector's availableTime to Redis'
// reply, and /v1/features is timed by md_query_duration_seconds beside the store's hit and miss
// counters. Other runs on the shared stack may add vectors to the sink: those are counted as increases.
const MINUTE = 60_000_000;

function vector(symbol: string, availableTime: number): FeatureVectorRecord {
  return { symbol, timeframe: '1m', provider: 'test', eventTime: availableTime - MINUTE, ingestTime: availableTime, featureSet: 'default-v1', values: { sma_20: 10.5, rsi_14: null }, availableTime, generation: 0 };
}

describe('feature-engine operator metrics (integration)', () => {
  let slice: SliceRun;
  let engine: RunningService | undefined;
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
  const redis = new Redis(LOCAL_STACK.redisUrl, { lazyConnect: true });
  let producer: ReturnType<typeof createIdempotentProducer> | undefined;
  const metric = (name: string, labels: Record<string, string> = {}) => metricValue(engine!.port, name, labels);
  const storeLatency = (suffix: string, labels: Record<string, string> = {}) => metric(`md_end_to_end_latency_seconds_${suffix}`, { stage: 'feature-store', topic: TOPICS.features, ...labels });

  beforeAll(async () => {
    slice = await prepareSliceRun('OMF');
    engine = await startService('feature-engine', slice.featureEnv, `test-${slice.run}-feature-engine`);
    producer = createIdempotentProducer(slice.kafka);
    await Promise.all([waitReady(engine), producer.connect()]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    if (engine) await stopService(engine);
    const keys = await redis.keys(`test:${slice.run}:*`).catch(() => []);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await slice?.db.close();
  });

  it('observes a vector written to Redis now under a minute, once Redis has it', async () => {
    const before = { count: await storeLatency('count'), minute: await storeLatency('bucket', { le: '60' }) };
    await producer!.send({ topic: TOPICS.features, messages: [{ key: slice.run, value: await codec.encode(TOPICS.features, vector(slice.run, Date.now() * 1000)) }] });
    await waitFor('the vector served from Redis', async () => (await httpJson(engine!.port, `/v1/features/${slice.run}`)).status === 200, 60_000, 200);
    const after = await waitFor('an observation', async () => {
      const a = { count: await storeLatency('count'), minute: await storeLatency('bucket', { le: '60' }) };
      return a.count >= before.count + 1 ? a : undefined;
    }, 30_000, 200) as { count: number; minute: number };
    expect(after.minute - before.minute).toBeGreaterThanOrEqual(1);
  });

  it('times /v1/features by route template and status beside the hit and miss counters', async () => {
    const hitsBefore = await metric('md_feature_store_reads_total', { result: 'hit' });
    const missesBefore = await metric('md_feature_store_reads_total', { result: 'miss' });
    const okBefore = await metric('md_query_duration_seconds_count', { route: '/v1/features/:symbol', status: '200' });
    // The wait above polled while the vector was on its way: those 404s are counted too.
    const notFoundBefore = await metric('md_query_duration_seconds_count', { route: '/v1/features/:symbol', status: '404' });
    expect((await httpJson(engine!.port, `/v1/features/${slice.run}`)).status).toBe(200);
    expect((await httpJson(engine!.port, `/v1/features/${slice.run}X`)).status).toBe(404);
    expect(await metric('md_query_duration_seconds_count', { route: '/v1/features/:symbol', status: '200' })).toBe(okBefore + 1);
    expect(await metric('md_query_duration_seconds_count', { route: '/v1/features/:symbol', status: '404' })).toBe(notFoundBefore + 1);
    expect(await metric('md_feature_store_reads_total', { result: 'hit' })).toBe(hitsBefore + 1);
    expect(await metric('md_feature_store_reads_total', { result: 'miss' })).toBe(missesBefore + 1);
  });
});
