import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type CleanBar, type FeatureVectorRecord, type RawBar } from '@md/contracts';
import { DEFAULT_FEATURE_SET, parseFeatureConfig, type FeatureConfig } from '@md/features';
import { readHistory } from '@md/feature-store';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';
import { MemoryKeyedState, SchemaCodec, endOffsets, readTopicRange, type PartitionOffsets } from '@md/kafka';
import { cleanBar, parseTimestamp } from '@md/market';
import {
  exitCode, finishSliceRun, mdctl, prepareSliceRun, startService, stopService, waitCaughtUp, waitReady, type RunningService, type SliceRun,
} from '@md/testing';
import { FeaturePipeline } from '../src/feature-pipeline';

// Integration: four months of real DBB minutes through gateway -> preprocessor -> feature-engine
// (default-v1, generation 0) -> writer and Redis; then a changed feature set (sma_20 dropped,
// sma_10 added, RSI over 7 bars) reprocessed for May 2024 with `mdctl reprocess` (generation 1).
// The database, Redis and md.features.v1 must hold the new values in May and the old ones
// elsewhere, equal to a fresh computation of each, and a second reprocess must change nothing.

const FROM = Date.UTC(2024, 4, 1) * 1000;
const TO = Date.UTC(2024, 5, 1) * 1000;
const WARMUP_DAYS = 60;
const V2 = {
  ...DEFAULT_FEATURE_SET,
  name: 'default-v2',
  indicators: [
    ...DEFAULT_FEATURE_SET.indicators.filter((i) => i.name !== 'sma_20' && i.name !== 'rsi_14'),
    { name: 'sma_10', kind: 'sma', period: 10, field: 'close' },
    { name: 'rsi_7', kind: 'rsi', period: 7, field: 'close' },
  ],
};
const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d'] as const;

/** The file's distinct minutes of [from, to) as the preprocessor cleans them (first of a minute kept). */
function fileBars(symbol: string, from: string, to: string): CleanBar[] {
  const seen = new Map<number, CleanBar>();
  for (const line of readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split('\n').slice(1)) {
    if (line < from || line >= to) continue;
    const [ts, open, high, low, close, volume] = line.split(',');
    const eventTime = parseTimestamp(ts, 'UTC');
    const raw: RawBar = { symbol, timeframe: '1m', provider: 'file', eventTime, ingestTime: 0, open, high, low, close, volume: Number(volume), tradeCount: null, vwap: null, revision: 0 };
    if (!seen.has(eventTime)) seen.set(eventTime, cleanBar(raw));
  }
  return [...seen.values()].sort((a, b) => a.eventTime - b.eventTime);
}

/** A fresh computation: the engine's pipeline over `bars` with `config` from an empty state; (timeframe|time) -> values. */
function compute(bars: CleanBar[], config: FeatureConfig, generation: number): Map<string, Record<string, number | null>> {
  const pipeline = new FeaturePipeline({ FEATURE_TIMEFRAMES: [...TIMEFRAMES], FEATURE_SESSIONS: 'regular', GENERATION: generation }, config, { count: () => undefined, warn: () => undefined });
  const state = new MemoryKeyedState();
  return new Map(bars.flatMap((b) => pipeline.bar(b, state)).map((v) => [`${v.timeframe}|${v.eventTime}`, v.values]));
}

describe('reprocess recomputes the feature-engine under a changed feature set (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];
  const redis = new Redis(LOCAL_STACK.redisUrl, { lazyConnect: true });
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
  let featuresFrom: PartitionOffsets;
  let setFile: string;

  beforeAll(async () => {
    slice = await prepareSliceRun('R');
    featuresFrom = await endOffsets(slice.kafka, TOPICS.features);
    const dir = mkdtempSync(join(tmpdir(), 'md-reprocess-'));
    const csv = join(dir, 'bars.csv');
    const lines = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split('\n');
    writeFileSync(csv, `${[lines[0], ...lines.filter((l) => l >= '2024-03-01' && l < '2024-07-01')].join('\n')}\n`);
    setFile = join(dir, 'features-v2.json');
    writeFileSync(setFile, JSON.stringify({ sets: [V2], default: V2.name }));
    const start = (name: Parameters<typeof startService>[0], env: Record<string, string>) => startService(name, env, `test-${slice.run}-${name}`);
    services.push(await start('timescale-writer', slice.writerEnv), await start('preprocessor', slice.preprocessorEnv), await start('feature-engine', slice.featureEnv));
    await Promise.all(services.map((s) => waitReady(s)));
    expect(await exitCode(await start('feed-gateway', { REPLAY_FILE: csv, REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }))).toBe(0);
    await settle();
  }, 600_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    if (redis.status === 'ready') await redis.quit();
    await finishSliceRun(slice);
  });

  /** Every stage has taken everything upstream of it, in pipeline order. */
  async function settle(): Promise<void> {
    const { kafka, preprocessorEnv: p, featureEnv: f, writerEnv: w } = slice;
    await waitCaughtUp(kafka, p.GROUP_ID, [TOPICS.rawBars]);
    await waitCaughtUp(kafka, f.GROUP_ID, [TOPICS.bars]);
    await waitCaughtUp(kafka, w.GROUP_ID, [TOPICS.bars]);
    await waitCaughtUp(kafka, w.DERIVED_GROUP_ID, [TOPICS.features, TOPICS.reprocessed]);
    await waitCaughtUp(kafka, f.REDIS_GROUP_ID, [TOPICS.features]);
  }

  /** The stored features of the run: (timeframe|time) -> { values, generation }. */
  async function stored(): Promise<Map<string, { values: Record<string, number | null>; generation: number }>> {
    const { rows } = await slice.db.query<{ timeframe: string; t: string; name: string; value: number | null; generation: string }>(
      `SELECT timeframe, (extract(epoch FROM time) * 1000000)::bigint::text AS t, name, value, generation::text FROM ${slice.schema}.features WHERE symbol = $1`, [slice.run]);
    const out = new Map<string, { values: Record<string, number | null>; generation: number }>();
    for (const r of rows) {
      const key = `${r.timeframe}|${r.t}`;
      const entry = out.get(key) ?? out.set(key, { values: {}, generation: Number(r.generation) }).get(key)!;
      entry.values[r.name] = r.value;
      entry.generation = Math.max(entry.generation, Number(r.generation));
    }
    return out;
  }

  /** md.features.v1 of the run, read_committed, the highest generation per vector (the last of equals). */
  async function onTopic(): Promise<Map<string, FeatureVectorRecord>> {
    const latest = new Map<string, FeatureVectorRecord>();
    for (const m of await readTopicRange(slice.kafka, TOPICS.features, featuresFrom)) {
      const v = await codec.decode<FeatureVectorRecord>(TOPICS.features, m.value);
      if (v.symbol !== slice.run) continue;
      const key = `${v.timeframe}|${v.eventTime}`;
      if ((latest.get(key)?.generation ?? -1) <= v.generation) latest.set(key, v);
    }
    return latest;
  }

  const reprocess = () => mdctl(['reprocess', '--stage', 'feature-engine', '--from', '2024-05-01', '--to', '2024-06-01', '--symbols', slice.run,
    '--generation', '1', '--warmup-days', String(WARMUP_DAYS), '--db-schema', slice.schema, '--cause', 'feature set default-v2'],
  { FEATURE_SET_FILE: setFile, DATABASE_URL: LOCAL_STACK.databaseUrl }, 300_000);

  it('stores the new values in the window and the old ones outside it, in the database, Redis and md.features.v1; a second run changes nothing', async () => {
    const before = await stored();
    const old = compute(fileBars(slice.run, '2024-03-01', '2024-07-01'), parseFeatureConfig({ sets: [DEFAULT_FEATURE_SET], default: DEFAULT_FEATURE_SET.name }), 0);
    const fresh = compute(fileBars(slice.run, new Date((FROM - WARMUP_DAYS * 86_400_000_000) / 1000).toISOString().slice(0, 10), '2024-06-01'), parseFeatureConfig({ sets: [V2], default: V2.name }), 1);
    const inWindow = (key: string) => { const t = Number(key.split('|')[1]); return t >= FROM && t < TO; };
    expect([...before.keys()].sort()).toEqual([...old.keys()].sort());

    const first = await reprocess();
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(new RegExp(`${slice.run}: \\d+ feature vectors of generation 1`));
    await settle();
    const after = await stored();
    type Stored = { values: Record<string, number | null>; generation: number };
    const expected = new Map<string, Stored>([...old].filter(([k]) => !inWindow(k)).map(([k, values]) => [k, { values, generation: 0 }]));
    for (const [k, values] of fresh) if (inWindow(k)) expected.set(k, { values, generation: 1 });
    expect(after.size).toBe(expected.size);
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(expected));

    const topic = await onTopic();
    expect(Object.fromEntries([...topic].map(([k, v]) => [k, { values: v.values, generation: v.generation }]))).toEqual(Object.fromEntries(expected));

    // Redis keeps the newest 390 entries per key: every daily one of the four months.
    const daily = await readHistory(redis, { prefix: slice.featureEnv.FEATURE_STORE_PREFIX, ttlSeconds: 0, historyLength: 390 }, slice.run, '1d', 1000);
    expect(daily.length).toBeGreaterThan(60);
    for (const h of daily) expect([h.eventTime, { values: h.values, generation: h.generation }]).toEqual([h.eventTime, expected.get(`1d|${h.eventTime}`)]);

    const second = await reprocess();
    expect(second.code).toBe(0);
    await settle();
    expect(Object.fromEntries(await stored())).toEqual(Object.fromEntries(after));
  });
});
