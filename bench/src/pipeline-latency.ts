import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import Redis from 'ioredis';
import type { Kafka, Message } from 'kafkajs';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type RawBar } from '@md/contracts';
import { readLatest } from '@md/feature-store';
import { createIdempotentProducer, type SchemaCodec } from '@md/kafka';
import { AlpacaStreamSimulator } from '@md/simulators';
import { PgDb } from '@md/storage';
import { finishSliceRun, httpJson, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type ServiceName } from '@md/testing';
import { bucketsBetween, histogramBuckets, quantileOf, sampleOf, totalOf, type Buckets } from './prom-histogram';

export interface PipelineLatencyOptions {
  /** Bars a second, across all symbols (default 5,000). */
  rate: number;
  /** Symbols the bars go round (default 500): each symbol gets rate / symbols bars a second. */
  symbols: number;
  /** Seconds sent before the measured window (first-use compilation, group joins, caches). */
  warmupSeconds: number;
  /** Seconds of the measured window. */
  seconds: number;
  /** Extra environment for every service (e.g. FETCH_MAX_WAIT_MS), to compare settings. */
  env: Record<string, string>;
}

/** One sink's md_end_to_end_latency_seconds over the window, seconds (from the buckets: see quantileOf). */
export interface SinkLatency {
  p50: number;
  p99: number;
  /** Observations in the window (other runs on a shared stack may add some). */
  observations: number;
}

export interface PipelineLatency {
  options: PipelineLatencyOptions;
  /** Bars sent in the window, and the rate the sender kept. */
  sent: number;
  sentPerSecond: number;
  /** Seconds from the last bar sent to the last bar in the database and its features in Redis. */
  drainSeconds: number;
  database: SinkLatency;
  redis: SinkLatency;
  /** Highest process_resident_memory_bytes seen per service, sampled each second over the window and the drain. */
  rssBytes: Partial<Record<ServiceName, number>>;
  /** CPU each service used over the window, in cores (1 = one core busy). */
  cores: Partial<Record<ServiceName, number>>;
  /** 1-minute load average of the machine at the window's start and end (2 cores here). */
  load: [number, number];
}

export const LATENCY_GOAL_SECONDS = 0.1;
export const RSS_LIMIT_BYTES = 200e6;
const DEFAULTS: PipelineLatencyOptions = { rate: 5000, symbols: 500, warmupSeconds: 5, seconds: 25, env: {} };
const LATENCY = 'md_end_to_end_latency_seconds';
const KEY = 'BENCHLATENCYKEY';
const SECRET = 'bench-latency-secret';
const MINUTE_US = 60_000_000;

const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
const scrape = async (s: RunningService) => String((await httpJson<string>(s.port, '/metrics')).body);

/**
 * Provider event -> sink commit at `rate` bars/s over `symbols`, through the real services on the
 * stack: preprocessor, timescale-writer (into `databaseUrl`), feature-engine with its Redis sink,
 * quality-monitor, and a feed-gateway subscribed to the symbols' minute bars on an Alpaca
 * simulator. The bars themselves are published by this process in the gateway's place (the
 * gateway's Avro records, key and idempotent producer): the Alpaca wire labels a minute bar by a
 * minute boundary, and a live bar can only be sent once its minute is over, so live 1-minute bars
 * of 500 symbols come 500 a minute, never 5,000 a second. Each bar here is stamped as it is sent
 * with eventTime = now - 1 minute: its end, the zero of md_end_to_end_latency_seconds, is the
 * moment it reaches Kafka. The figures are the services' own histograms (writer: md.bars.v1 in
 * the database; feature-engine: md.features.v1 in Redis), the difference of a scrape after the
 * warm-up and one once every bar of the window is stored and its features served.
 */
export async function pipelineLatency(kafka: Kafka, codec: SchemaCodec, databaseUrl: string, options: Partial<PipelineLatencyOptions> = {}): Promise<PipelineLatency> {
  const o = { ...DEFAULTS, ...options };
  const slice = await prepareSliceRun('LAT');
  const symbols = Array.from({ length: o.symbols }, (_, i) => `${slice.run}${i.toString(36).toUpperCase().padStart(2, '0')}`);
  const db = new PgDb(databaseUrl);
  const redis = new Redis(process.env.REDIS_URL ?? LOCAL_STACK.redisUrl, { lazyConnect: true });
  const producer = createIdempotentProducer(kafka);
  const sim = await AlpacaStreamSimulator.start({ key: KEY, secret: SECRET, bars: [] });
  const services: Partial<Record<ServiceName, RunningService>> = {};
  // The services' own session timeout (30 s), not the slice's 6 s for tests: on a busy machine a
  // 6 s heartbeat gap evicts a stage mid-run, and the rejoin would be measured as latency.
  const start = async (name: ServiceName, { SESSION_TIMEOUT_MS: _tests, ...env }: Record<string, string>) =>
    (services[name] = await startService(name, { ...env, ...o.env }, `bench-${slice.run}-${name}`));
  try {
    await start('preprocessor', slice.preprocessorEnv);
    await start('timescale-writer', { ...slice.writerEnv, DATABASE_URL: databaseUrl });
    await start('feature-engine', { ...slice.featureEnv, FEATURE_SESSIONS: 'all' });
    await start('quality-monitor', slice.qualityEnv);
    await start('feed-gateway', { ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_BARS: symbols.join(','), ALPACA_STREAM_URL: sim.url, ALPACA_FEED: 'iex' });
    await Promise.all(Object.values(services).map((s) => waitReady(s)));
    await producer.connect();
    const sender = new BarSender(symbols, codec, (messages) => producer.send({ topic: TOPICS.rawBars, messages }));
    await sender.send(o.rate, o.rate * o.warmupSeconds);
    const writer = services['timescale-writer']!;
    const engine = services['feature-engine']!;
    const before = { db: histogramBuckets(await scrape(writer), LATENCY, { stage: 'timescale-writer', topic: TOPICS.bars }), redis: histogramBuckets(await scrape(engine), LATENCY, { stage: 'feature-store', topic: TOPICS.features }) };
    const memory = new MemorySampler(services);
    const cpu0 = cpuSeconds(services);
    const load0 = loadavg()[0];
    const window = await sender.send(o.rate, o.rate * o.seconds);
    const cores = Object.fromEntries(Object.entries(cpuSeconds(services)).map(([name, s]) => [name, (s - cpu0[name as ServiceName]!) / window.seconds]));
    const load1 = loadavg()[0];
    const sentAt = performance.now();
    await waitFor('every bar in the database', async () => (await storedBars(db, slice.schema, slice.run)) >= sender.total, 15 * 60_000, 500);
    await waitFor('every symbol\'s newest features in Redis', () => featuresServed(redis, `test:${slice.run}`, sender.newest), 15 * 60_000, 500);
    const drainSeconds = (performance.now() - sentAt) / 1000;
    const rssBytes = await memory.stop();
    const after = { db: histogramBuckets(await scrape(writer), LATENCY, { stage: 'timescale-writer', topic: TOPICS.bars }), redis: histogramBuckets(await scrape(engine), LATENCY, { stage: 'feature-store', topic: TOPICS.features }) };
    return {
      options: o, sent: window.count, sentPerSecond: window.count / window.seconds, drainSeconds,
      database: sinkLatency(bucketsBetween(before.db, after.db)), redis: sinkLatency(bucketsBetween(before.redis, after.redis)),
      rssBytes, cores, load: [load0, load1],
    };
  } finally {
    await Promise.all(Object.values(services).map((s) => stopService(s)));
    await producer.disconnect().catch(() => undefined);
    await sim.close();
    await dropRun(db, redis, slice.schema, `test:${slice.run}`);
    await finishSliceRun(slice);
  }
}

function sinkLatency(window: Buckets): SinkLatency {
  return { p50: quantileOf(window, 0.5), p99: quantileOf(window, 0.99), observations: totalOf(window) };
}

/**
 * Publishes live-stamped raw bars round-robin over the symbols, paced in 1 ms ticks: each tick
 * sends what is due (one produce request, awaited, as the gateway sends a frame's records), so a
 * slow acknowledgement makes the next request larger rather than the rate lower.
 */
class BarSender {
  total = 0;
  /** Event time of each symbol's newest bar sent. */
  readonly newest = new Map<string, number>();

  constructor(private readonly symbols: readonly string[], private readonly codec: SchemaCodec, private readonly publish: (messages: Message[]) => Promise<unknown>) {}

  async send(rate: number, count: number): Promise<{ count: number; seconds: number }> {
    const first = performance.now();
    for (let sent = 0; sent < count;) {
      const due = Math.min(count, Math.floor(((performance.now() - first) / 1000) * rate) + 1);
      if (due <= sent) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const messages: Message[] = [];
      for (; sent < due; sent++, this.total++) {
        const bar = this.bar(this.symbols[this.total % this.symbols.length], this.total);
        this.newest.set(bar.symbol, bar.eventTime);
        messages.push({ key: bar.symbol, value: await this.codec.encode(TOPICS.rawBars, bar) });
      }
      await this.publish(messages);
    }
    return { count, seconds: (performance.now() - first) / 1000 };
  }

  private bar(symbol: string, n: number): RawBar {
    const now = nowMicros();
    const price = (100 + (n % 97) / 100).toFixed(2);
    return {
      symbol, timeframe: '1m', provider: 'bench-live', eventTime: now - MINUTE_US, ingestTime: now, open: price, high: price, low: price, close: price,
      volume: 100 + (n % 7), tradeCount: null, vwap: null, revision: 0,
    };
  }
}

/** The highest RSS each service reports, sampled every second until stopped. */
class MemorySampler {
  private readonly max: Partial<Record<ServiceName, number>> = {};
  private readonly timer: NodeJS.Timeout;
  private sampling = Promise.resolve();

  constructor(private readonly services: Partial<Record<ServiceName, RunningService>>) {
    this.timer = setInterval(() => (this.sampling = this.sample()), 1000);
    this.sampling = this.sample();
  }

  async stop(): Promise<Partial<Record<ServiceName, number>>> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    return this.max;
  }

  private async sample(): Promise<void> {
    await Promise.all(Object.values(this.services).map(async (s) => {
      const rss = sampleOf(await scrape(s).catch(() => ''), 'process_resident_memory_bytes');
      if (rss !== undefined) this.max[s.name] = Math.max(this.max[s.name] ?? 0, rss);
    }));
  }
}

/** utime + stime per service process, seconds (Linux /proc; USER_HZ 100). */
function cpuSeconds(services: Partial<Record<ServiceName, RunningService>>): Partial<Record<ServiceName, number>> {
  const out: Partial<Record<ServiceName, number>> = {};
  for (const s of Object.values(services)) {
    try {
      const fields = readFileSync(`/proc/${s.process.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      out[s.name] = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      /* no /proc: no CPU figure */
    }
  }
  return out;
}

async function storedBars(db: PgDb, schema: string, run: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.bars WHERE symbol LIKE $1`, [`${run}%`]);
  return Number(rows[0].n);
}

/** True once every symbol's newest 1m vector in Redis is that of its newest bar sent. */
async function featuresServed(redis: Redis, prefix: string, newest: ReadonlyMap<string, number>): Promise<boolean> {
  const keys = [...newest.keys()].map((symbol) => ({ symbol, timeframe: '1m' }));
  const latest = await readLatest(redis, { prefix, ttlSeconds: 0, historyLength: 0 }, keys);
  return latest.every((f, i) => f !== null && f.eventTime >= newest.get(keys[i].symbol)!);
}

async function dropRun(db: PgDb, redis: Redis, schema: string, prefix: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await db.close();
  try {
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      if ((cursor = next) === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

const ms = (s: number) => (Number.isFinite(s) ? `${(s * 1000).toFixed(1)} ms` : s > 0 ? '> 60 s (+Inf bucket)' : 'n/a');
const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;

/** The section's lines: p50/p99 per sink against the 100 ms goal, RSS per service against 200 MB. */
export function formatPipelineLatency(r: PipelineLatency): string {
  const o = r.options;
  const sink = (what: string, s: SinkLatency) =>
    `latency: ${what}: p50 ${ms(s.p50)}, p99 ${ms(s.p99)} (${s.observations} observations); p99 / 100 ms = ${(s.p99 / LATENCY_GOAL_SECONDS).toFixed(2)}`;
  const lines = [
    `latency: ${o.rate} bars/s over ${o.symbols} symbols, ${o.seconds} s window after ${o.warmupSeconds} s warm-up: sent ${r.sent} at ${Math.round(r.sentPerSecond)}/s, ` +
      `all stored and served ${r.drainSeconds.toFixed(1)} s after the last; load average ${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)}; quantiles interpolated within md_end_to_end_latency_seconds buckets`,
    sink('bar end -> database commit (timescale-writer, md.bars.v1)', r.database),
    sink('bar end -> Redis feature write (feature-store, md.features.v1)', r.redis),
  ];
  for (const [name, rss] of Object.entries(r.rssBytes)) {
    const cores = r.cores[name as ServiceName];
    lines.push(`memory: ${name} max RSS ${mb(rss)} = ${(rss / RSS_LIMIT_BYTES).toFixed(2)} x 200 MB${cores === undefined ? '' : ` (${cores.toFixed(2)} cores in the window)`}`);
  }
  return lines.join('\n');
}
