import type { Kafka, Producer } from 'kafkajs';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, TOPIC_TABLE, type FeatureVectorRecord } from '@md/contracts';
import { readHistory, readLatest, type FeatureStoreOptions, type RedisClient, type StoredFeatures } from '@md/feature-store';
import { SchemaCodec, createIdempotentProducer, createKafka, endOffsets, ensureTopics, readTopicRange } from '@md/kafka';
import { cleanBar } from '@md/market';
import { committedOffset, dbbRows, rowsToRawBars, startGroupAtEnd, uniqueId } from '@md/testing';

// A feature-engine run of the Redis suites on the shared Kafka: its own symbols, groups and store
// prefix; bars in, and the store compared with what the engine published on md.features.v1.

/** Regular-session DBB minute bars of one day, the input of every symbol of a run. */
const BARS = rowsToRawBars(dbbRows('2024-05-01', '2024-05-01'), 'S').map(cleanBar).filter((b) => b.session === 'REGULAR');
const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d'];

export interface StoreRun {
  id: string;
  symbols: string[];
  kafka: Kafka;
  options: FeatureStoreOptions;
  /** The engine's environment for this run (groups, ids, prefix), Redis settings to be added. */
  env: Record<string, string>;
  /** Publishes bars [from, to) of the day for every symbol. */
  send(from: number, to: number): Promise<void>;
  /** True once the engine's compute group has committed past everything sent. */
  consumed(): Promise<boolean>;
  /** What the store must hold: per (symbol, timeframe), the newest published vector and the history. */
  expected(): Promise<Snapshot>;
  close(): Promise<void>;
}

export type Snapshot = Record<string, { latest: StoredFeatures | null; history: StoredFeatures[] }>;

/** The store's content for these symbols, every timeframe, read through the store's own functions. */
export async function snapshot(client: RedisClient, o: FeatureStoreOptions, symbols: readonly string[]): Promise<Snapshot> {
  const keys = symbols.flatMap((symbol) => TIMEFRAMES.map((timeframe) => ({ symbol, timeframe })));
  const latest = await readLatest(client, o, keys);
  const out: Snapshot = {};
  for (const [i, k] of keys.entries()) out[`${k.symbol}/${k.timeframe}`] = { latest: latest[i], history: await readHistory(client, o, k.symbol, k.timeframe, 1000) };
  return out;
}

export async function prepareStoreRun(prefix: string, symbolCount: number): Promise<StoreRun> {
  const id = uniqueId(prefix);
  const symbols = Array.from({ length: symbolCount }, (_, i) => `${id}${String.fromCharCode(65 + i)}`);
  const kafka = createKafka(`test-${id}`, [LOCAL_STACK.kafkaBrokers]);
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
  await ensureTopics(kafka, TOPIC_TABLE);
  const group = `fe-${id}`;
  const redisGroup = `fe-redis-${id}`;
  await startGroupAtEnd(kafka, group, [TOPICS.bars]);
  await startGroupAtEnd(kafka, redisGroup, [TOPICS.features]);
  const featureStart = await endOffsets(kafka, TOPICS.features);
  const producer: Producer = createIdempotentProducer(kafka);
  await producer.connect();
  const options: FeatureStoreOptions = { prefix: `test:${id}`, ttlSeconds: 3600, historyLength: 390 };
  const ends = new Map<number, bigint>();

  return {
    id, symbols, kafka, options,
    env: { GROUP_ID: group, TRANSACTIONAL_ID: group, REDIS_GROUP_ID: redisGroup, FEATURE_STORE_PREFIX: options.prefix, FEATURE_TTL_SECONDS: '3600',
      SESSION_TIMEOUT_MS: '6000', MAX_BATCH_RECORDS: '200', RETRY_MAX_MS: '1000' },
    async send(from, to) {
      for (const symbol of symbols) {
        const values: Buffer[] = [];
        for (const bar of BARS.slice(from, to)) values.push(await codec.encode(TOPICS.bars, { ...bar, symbol }));
        const [meta] = await producer.send({ topic: TOPICS.bars, messages: values.map((value) => ({ key: symbol, value })) });
        ends.set(meta.partition, BigInt(meta.baseOffset!) + BigInt(values.length));
      }
    },
    async consumed() {
      for (const [partition, end] of ends) if ((await committedOffset(kafka, group, TOPICS.bars, partition)) < end) return false;
      return true;
    },
    async expected() {
      const out: Snapshot = {};
      for (const symbol of symbols) for (const timeframe of TIMEFRAMES) out[`${symbol}/${timeframe}`] = { latest: null, history: [] };
      const byTime = new Map<string, Map<number, StoredFeatures>>();
      for (const m of await readTopicRange(kafka, TOPICS.features, featureStart)) {
        if (!symbols.includes(m.key?.toString() ?? '')) continue;
        const r = await codec.decode<FeatureVectorRecord>(TOPICS.features, m.value);
        const stored: StoredFeatures = { symbol: r.symbol, timeframe: r.timeframe, eventTime: r.eventTime, featureSet: r.featureSet, values: r.values, generation: r.generation };
        const key = `${r.symbol}/${r.timeframe}`;
        // The store's rule with one generation: the newest event time is the latest, a repeat of a time replaces it.
        if (!out[key].latest || out[key].latest!.eventTime <= r.eventTime) out[key].latest = stored;
        byTime.set(key, (byTime.get(key) ?? new Map()).set(r.eventTime, stored));
      }
      for (const [key, times] of byTime) out[key].history = [...times.values()].sort((a, b) => b.eventTime - a.eventTime).slice(0, options.historyLength);
      return out;
    },
    async close() {
      await producer.disconnect();
    },
  };
}
