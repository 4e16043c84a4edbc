import Redis from 'ioredis';
import { LOCAL_STACK } from '@md/config';
import { uniqueId } from '@md/testing';
import { historyKey, latestKey, readHistory, readLatest, writeFeatures, type FeatureStoreOptions, type StoredFeatures } from '../src';

// Integration: the store's rules on the real Redis of the local stack.
describe('Redis feature store (integration)', () => {
  // lazyConnect: no socket until the first command, so a describe body that fails before its
  // afterAll is registered (a missing fixture) leaves nothing open.
  const redis = new Redis(LOCAL_STACK.redisUrl, { lazyConnect: true });
  const o: FeatureStoreOptions = { prefix: uniqueId('fs'), ttlSeconds: 3600, historyLength: 3 };
  const MIN = 60_000_000;
  const T0 = Date.UTC(2024, 4, 1, 13, 30) * 1000;
  const vector = (i: number, sma: number | null, symbol = 'DBB', generation = 0): StoredFeatures =>
    ({ symbol, timeframe: '1m', eventTime: T0 + i * MIN, featureSet: 'default-v1', values: { sma_20: sma, ret_1: i === 0 ? null : 0.001 * i }, generation });

  afterAll(() => redis.quit());

  it('keeps the newest vector, ignores an older replayed one, and lets a same-time revision through', async () => {
    expect(await writeFeatures(redis, o, [vector(0, null), vector(1, 15.5), vector(2, 15.75)])).toEqual(['applied', 'applied', 'applied']);
    expect(await writeFeatures(redis, o, [vector(1, 99)])).toEqual(['stale']);
    const [latest] = await readLatest(redis, o, [{ symbol: 'DBB', timeframe: '1m' }]);
    expect(latest).toEqual(vector(2, 15.75));
    expect(await writeFeatures(redis, o, [vector(2, 15.8)])).toEqual(['applied']);
    expect((await readLatest(redis, o, [{ symbol: 'DBB', timeframe: '1m' }]))[0]?.values.sma_20).toBe(15.8);
  });

  it('round-trips nulls (warm-up) and exact doubles, and answers a batch with hits and misses in order', async () => {
    const v = { ...vector(0, null, 'NULLS'), values: { sma_20: null, x: 0.1 + 0.2, y: -1e-12 } };
    await writeFeatures(redis, o, [v]);
    const got = await readLatest(redis, o, [{ symbol: 'NOPE', timeframe: '1m' }, { symbol: 'NULLS', timeframe: '1m' }, { symbol: 'NULLS', timeframe: '5m' }]);
    expect(got).toEqual([null, v, null]);
  });

  it('bounds the history to the newest N, one entry per event time, and sets the TTL on both keys', async () => {
    const writes = [0, 1, 2, 3, 4].map((i) => vector(i, i, 'HIST'));
    await writeFeatures(redis, o, writes);
    await writeFeatures(redis, o, [vector(4, 40, 'HIST'), vector(3, 30, 'HIST')]); // revisions of kept entries
    const history = await readHistory(redis, o, 'HIST', '1m', 10);
    expect(history.map((h) => [h.eventTime, h.values.sma_20])).toEqual([[T0 + 4 * MIN, 40], [T0 + 3 * MIN, 30], [T0 + 2 * MIN, 2]]);
    for (const key of [latestKey(o, 'HIST', '1m'), historyKey(o, 'HIST', '1m')]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
  });

  it('leaves the same store when a whole batch is replayed (idempotent)', async () => {
    const batch = [0, 1, 2, 3].map((i) => vector(i, i * 2, 'REPLAY'));
    await writeFeatures(redis, o, batch);
    const snapshot = async () => [await redis.hgetall(latestKey(o, 'REPLAY', '1m')), await redis.zrange(historyKey(o, 'REPLAY', '1m'), 0, -1, 'WITHSCORES')];
    const before = await snapshot();
    // The first of four rising vectors of one key is past the history of 3: not sent (superseded).
    expect(await writeFeatures(redis, o, batch)).toEqual(['superseded', 'stale', 'stale', 'applied']);
    expect(await snapshot()).toEqual(before);
  });

  it('lets a higher generation replace the latest and a history entry, and never an older generation after it', async () => {
    await writeFeatures(redis, o, [0, 1, 2].map((i) => vector(i, i, 'GEN')));
    // A reprocess (generation 1) of times 1 and 2, with a feature dropped from its set.
    const recomputed = [1, 2].map((i) => ({ ...vector(i, null, 'GEN', 1), values: { ret_1: 0.5 * i } }));
    expect(await writeFeatures(redis, o, recomputed)).toEqual(['stale', 'applied']);
    // The live engine replaying generation 0 over them changes nothing.
    expect(await writeFeatures(redis, o, [vector(2, 99, 'GEN'), vector(1, 99, 'GEN')])).toEqual(['stale', 'stale']);
    expect((await readLatest(redis, o, [{ symbol: 'GEN', timeframe: '1m' }]))[0]).toEqual(recomputed[1]);
    const history = await readHistory(redis, o, 'GEN', '1m', 10);
    expect(history.map((h) => [h.eventTime, h.generation, h.values])).toEqual([
      [T0 + 2 * MIN, 1, { ret_1: 1 }], [T0 + MIN, 1, { ret_1: 0.5 }], [T0, 0, { sma_20: 0, ret_1: null }],
    ]);
  });

  it('ends in the same store when a long run of one key is written as one batch as when written one vector at a time', async () => {
    const run = Array.from({ length: 12 }, (_, i) => vector(i, i * 1.5, 'RUN'));
    const batched = { ...o, prefix: `${o.prefix}-batched` };
    const single = { ...o, prefix: `${o.prefix}-single` };
    const outcomes = await writeFeatures(redis, batched, run);
    expect(outcomes.filter((x) => x === 'superseded')).toHaveLength(run.length - o.historyLength);
    for (const v of run) await writeFeatures(redis, single, [v]);
    const state = async (opts: FeatureStoreOptions) => [await readLatest(redis, opts, [{ symbol: 'RUN', timeframe: '1m' }]), await readHistory(redis, opts, 'RUN', '1m', 100)];
    expect(await state(batched)).toEqual(await state(single));
    // Out of order or mixed generations: nothing is dropped.
    expect(await writeFeatures(redis, batched, [...run].reverse())).not.toContain('superseded');
  });
});
