import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { LOCAL_STACK } from '@md/config';
import { type CleanBar, type FeatureVectorRecord, type IntrinsicBarRecord, TOPICS, TOPIC_TABLE, type TopicName, type TradeRecord } from '@md/contracts';
import { DEFAULT_FEATURE_SET, FeatureState } from '@md/features';
import { IntrinsicBarBuilder, type IntrinsicBarSpecInput } from '@md/intrinsic-bars';
import { cleanBar } from '@md/market';
import { historyKey, latestKey } from '@md/feature-store';
import { SchemaCodec, createIdempotentProducer, createKafka, endOffsets, ensureTopics, readTopicRange } from '@md/kafka';
import { TcpProxy, committedOffset, dbbRows, metricValue, readSpyTrades, rowsToRawBars, startGroupAtEnd, startService, stopService, uniqueId, waitFor, waitReady, type RunningService } from '@md/testing';

// Integration: the feature-engine on real data (DBB minute bars, SPY trades of 2013-10-07).
// Run X goes through uninterrupted; run Y gets the same input under another symbol and is
// SIGKILLed part-way and restarted; run Z loses Redis part-way and gets it back. Features and
// intrinsic bars in Kafka (read_committed) and the Redis store must be the same for all three,
// once each, and equal to what the domain classes compute in-process.

const SPECS: IntrinsicBarSpecInput[] = [
  { kind: 'tick', threshold: 500 }, { kind: 'volume', threshold: 200_000 }, { kind: 'dollar', threshold: 20_000_000 },
  { kind: 'tick_imbalance', initialExpectedTicks: 300 },
];
const TRADES = 20_000;
const SMALL = { MAX_BATCH_RECORDS: '200', SESSION_TIMEOUT_MS: '6000' };

interface Run {
  symbol: string;
  group: string;
  redisGroup: string;
  prefix: string;
  env: Record<string, string>;
  /** Last input offset + 1 per input topic (one key, so one partition each). */
  ends: Array<{ topic: string; partition: number; end: bigint }>;
}

describe('feature-engine: features and intrinsic bars, exactly once through a kill and a Redis outage (integration)', () => {
  const id = uniqueId('F');
  const kafka: Kafka = createKafka(`test-${id}`, [LOCAL_STACK.kafkaBrokers]);
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
  // lazyConnect: no socket until the first command, so a describe body that fails before its
  // afterAll is registered (a missing fixture) leaves nothing open.
  const redis = new Redis(LOCAL_STACK.redisUrl, { lazyConnect: true });
  const producer = createIdempotentProducer(kafka);
  const services: RunningService[] = [];
  const rows = dbbRows('2024-05-01', '2024-05-31');
  let trades: TradeRecord[];
  let specFile: string;
  let starts: Map<string, Map<number, string>>;

  beforeAll(async () => {
    await ensureTopics(kafka, TOPIC_TABLE);
    await producer.connect();
    trades = (await readSpyTrades()).slice(0, TRADES).map((t) => ({
      symbol: t.symbol, provider: t.provider, eventTime: t.eventTime, ingestTime: t.ingestTime, price: t.price, size: t.size,
      exchange: t.exchange, tradeId: null, conditions: [], tape: null, correction: 'NONE' as const,
    }));
    specFile = join(mkdtempSync(join(tmpdir(), 'md-fe-')), 'intrinsic.json');
    writeFileSync(specFile, JSON.stringify(SPECS));
    starts = new Map();
    for (const t of [TOPICS.features, TOPICS.intrinsicBars]) starts.set(t, await endOffsets(kafka, t));
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await producer.disconnect();
    await redis.quit();
  });

  const start = async (run: Run, label: string, extra: Record<string, string> = {}, ready = true) => {
    const s = await startService('feature-engine', { ...run.env, ...extra }, `test-${run.symbol}-${label}`);
    services.push(s);
    if (ready) await waitReady(s);
    return s;
  };

  /** Positions the run's groups at the topics' end, so it sees only its own input. */
  async function prepare(symbol: string): Promise<Run> {
    const run: Run = { symbol, group: `fe-${symbol}`, redisGroup: `fe-redis-${symbol}`, prefix: `test:${symbol}`, ends: [], env: {} };
    run.env = { ...SMALL, GROUP_ID: run.group, TRANSACTIONAL_ID: run.group, REDIS_GROUP_ID: run.redisGroup, FEATURE_STORE_PREFIX: run.prefix, INTRINSIC_BARS_FILE: specFile };
    await startGroupAtEnd(kafka, run.group, [TOPICS.bars, TOPICS.rawTrades]);
    await startGroupAtEnd(kafka, run.redisGroup, [TOPICS.features]);
    return run;
  }

  /** The month of DBB bars and the SPY trades, under the run's symbol. */
  async function send(run: Run): Promise<Run> {
    const toTopic = async (topic: string, values: Buffer[]) => {
      let last = { partition: 0, end: 0n };
      for (let i = 0; i < values.length; i += 1000) {
        const chunk = values.slice(i, i + 1000);
        const [meta] = await producer.send({ topic, messages: chunk.map((value) => ({ key: run.symbol, value })) });
        last = { partition: meta.partition, end: BigInt(meta.baseOffset!) + BigInt(chunk.length) };
      }
      run.ends.push({ topic, ...last });
    };
    // One at a time: the first encode of a topic registers its schema, and 20,000 concurrent
    // first encodes would each open a registry connection.
    const encodeAll = async (topic: TopicName, values: object[]) => {
      const out: Buffer[] = [];
      for (const v of values) out.push(await codec.encode(topic, v));
      return out;
    };
    await toTopic(TOPICS.bars, await encodeAll(TOPICS.bars, rowsToRawBars(rows, run.symbol).map(cleanBar)));
    await toTopic(TOPICS.rawTrades, await encodeAll(TOPICS.rawTrades, trades.map((t) => ({ ...t, symbol: run.symbol }))));
    return run;
  }

  const consumed = async (run: Run) => {
    for (const e of run.ends) if ((await committedOffset(kafka, run.group, e.topic, e.partition)) < e.end) return false;
    return true;
  };

  async function outputs<T extends { symbol: string }>(topic: string, symbol: string): Promise<T[]> {
    const out: T[] = [];
    for (const m of await readTopicRange(kafka, topic, starts.get(topic)!)) {
      if (m.key?.toString() === symbol) out.push({ ...(await codec.decode<T>(topic, m.value)), symbol: 'S' });
    }
    return out;
  }

  async function storeCaughtUp(run: Run): Promise<boolean> {
    const features = (await readTopicRange(kafka, TOPICS.features, starts.get(TOPICS.features)!)).filter((m) => m.key?.toString() === run.symbol);
    const last = features[features.length - 1];
    return (await committedOffset(kafka, run.redisGroup, TOPICS.features, last.partition)) >= BigInt(last.offset) + 1n;
  }

  async function store(run: Run): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const tf of ['1m', '5m', '15m', '1h', '1d']) {
      const o = { prefix: run.prefix };
      out.push(await redis.hgetall(latestKey(o, run.symbol, tf)), await redis.zrange(historyKey(o, run.symbol, tf), 0, -1, 'WITHSCORES'));
    }
    return out;
  }

  let reference: { features: FeatureVectorRecord[]; bars: IntrinsicBarRecord[]; store: unknown[] };

  it('computes, for an uninterrupted run, the features and intrinsic bars the domain classes compute in-process', async () => {
    const x = await send(await prepare(`${id}X`));
    const engine = await start(x, 'engine');
    await waitFor('run X to consume its input', () => consumed(x), 120_000, 250);
    await waitFor('run X to reach Redis', () => storeCaughtUp(x), 60_000, 250);
    reference = { features: await outputs(TOPICS.features, x.symbol), bars: await outputs(TOPICS.intrinsicBars, x.symbol), store: await store(x) };
    expect(await stopService(engine)).toBe(0);

    // 1m: one vector per regular-session bar, equal to FeatureState in-process.
    const state = FeatureState.create(DEFAULT_FEATURE_SET);
    const regular = rowsToRawBars(rows, 'S').map(cleanBar).filter((b: CleanBar) => b.session === 'REGULAR');
    const expected1m = regular.map((b) => ({ eventTime: b.eventTime, values: state.update({ eventTime: b.eventTime, open: +b.open, high: +b.high, low: +b.low, close: +b.close, volume: b.volume }) }));
    const got1m = reference.features.filter((f) => f.timeframe === '1m').map((f) => ({ eventTime: f.eventTime, values: f.values }));
    expect(got1m).toEqual(expected1m);
    // Coarser timeframes exist, one vector per bucket, in time order.
    for (const tf of ['5m', '15m', '1h', '1d']) {
      const times = reference.features.filter((f) => f.timeframe === tf).map((f) => f.eventTime);
      expect(times.length).toBeGreaterThan(0);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(new Set(times).size).toBe(times.length);
    }
    // Intrinsic bars: the builders in-process, on the same trades.
    const expectedBars = SPECS.flatMap((spec) => {
      const builder = IntrinsicBarBuilder.create(spec);
      return trades.flatMap((t) => builder.push(t)).map((b) => ({ ...b, symbol: 'S' }));
    });
    const key = (b: IntrinsicBarRecord) => `${b.kind}:${String(b.seq).padStart(6, '0')}`;
    expect([...reference.bars].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expectedBars.sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('emits the same records once, and leaves the same store, when the engine is SIGKILLed part-way', async () => {
    const y = await send(await prepare(`${id}Y`));
    const first = await start(y, 'engine');
    await waitFor('run Y to be part-way through', async () => (await metricValue(first.port, 'md_records_in_total')) >= 8000, 120_000, 20);
    first.process.kill('SIGKILL');
    await first.exited;
    expect(await consumed(y)).toBe(false);
    const second = await start(y, 'engine-2');
    await waitFor('run Y to consume its input', () => consumed(y), 120_000, 250);
    await waitFor('run Y to reach Redis', () => storeCaughtUp(y), 60_000, 250);
    expect(await metricValue(second.port, 'md_records_in_total')).toBeGreaterThan(0);
    expect(await outputs(TOPICS.features, y.symbol)).toEqual(reference.features);
    expect(await outputs(TOPICS.intrinsicBars, y.symbol)).toEqual(reference.bars);
    expect(await store(y)).toEqual(reference.store);
    await stopService(second);
  });

  const proxy = new TcpProxy('127.0.0.1', 6379);
  afterAll(() => proxy.cut());

  it('keeps publishing while Redis is away, and the store catches up when it returns', async () => {
    const port = await proxy.start();
    const z = await prepare(`${id}Z`);
    const engine = await start(z, 'engine', { REDIS_URL: `redis://127.0.0.1:${port}` });
    await proxy.cut();
    await send(z);
    await waitFor('run Z to consume its input with Redis away', () => consumed(z), 120_000, 250);
    expect(await storeCaughtUp(z)).toBe(false);
    await waitFor('the Redis sink to be retrying', async () => (await metricValue(engine.port, 'md_retries_total', { stage: 'feature-store' })) > 0, 60_000, 100);
    try {
      expect(await outputs(TOPICS.features, z.symbol)).toEqual(reference.features);
    } finally {
      await proxy.start();
    }
    await waitFor('run Z to reach Redis', () => storeCaughtUp(z), 120_000, 250);
    expect(await store(z)).toEqual(reference.store);
    expect(await stopService(engine)).toBe(0);
  });
});
