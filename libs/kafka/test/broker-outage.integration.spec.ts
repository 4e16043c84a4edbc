import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type CleanBar, type RawBar } from '@md/contracts';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';
import { SchemaCodec, createKafka, endOffsets, readTopicRange } from '../src';
import {
  expectedDbbBars, finishSliceRun, httpJson, prepareSliceRun, startLocalKafka, startService, stopService, uniqueId, waitFor, waitReady,
  type LocalKafka, type RunningService, type ServiceName, type SliceRun,
} from '@md/testing';

// Integration, on a private single-node broker (startLocalKafka) that the test kills with SIGKILL:
// (a) each of the six services, started first and alone on a broker without topics, serves /health
// and comes up ready (it creates what it needs, retrying the broker's "not host this
// topic-partition" while the new topics' leaders are elected); (b) the bars slice (gateway file
// replay -> preprocessor -> timescale-writer, with the feature-engine and the quality-monitor)
// loses its broker for 30 s mid-replay: /ready turns 503, no stage exits, and once the broker is
// back every stage rejoins by itself, every bar is on md.raw.bars.v1 and md.bars.v1 once and in
// the database once. A spare writer with KAFKA_OUTAGE_BUDGET_SECONDS=5 exits 1 during the outage.

const ALL: ServiceName[] = ['feed-gateway', 'preprocessor', 'feature-engine', 'alt-data-aggregator', 'timescale-writer', 'quality-monitor'];
const ROWS = 3_000;
const BATCH = 25;
const OUTAGE_MS = 30_000;

/** Deletes every topic but the broker's own (__consumer_offsets, __transaction_state) and waits until they are gone. */
async function emptyBroker(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const user = async () => (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    const topics = await user();
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
    await waitFor('the deleted topics to be gone', async () => (await user()).length === 0, 30_000, 100);
  } finally {
    await admin.disconnect();
  }
}

/** The service's own groups and ids for a run, so nothing is shared with the slice or other tests. */
function aloneEnv(service: ServiceName, run: string, schema: string): Record<string, string> {
  const ids = { GROUP_ID: `g-${run}`, TRANSACTIONAL_ID: `t-${run}`, SESSION_TIMEOUT_MS: '6000' };
  switch (service) {
    case 'timescale-writer':
      return { ...ids, EVENTS_GROUP_ID: `ge-${run}`, DERIVED_GROUP_ID: `gd-${run}`, RAW_GROUP_ID: `gr-${run}`, TRADING_GROUP_ID: `gt-${run}`, DATABASE_URL: LOCAL_STACK.databaseUrl, DB_SCHEMA: schema };
    case 'feature-engine':
      return { ...ids, REDIS_GROUP_ID: `gf-${run}`, FEATURE_STORE_PREFIX: `test:${run}` };
    default:
      return ids;
  }
}

/** Whether a service's process is still running (its `exited` has not settled). */
async function running(service: RunningService): Promise<boolean> {
  return Promise.race([service.exited.then(() => false), new Promise<boolean>((resolve) => setImmediate(() => resolve(true)))]);
}

const status = async (s: RunningService, path: string) => (await httpJson(s.port, path).catch(() => ({ status: 0 }))).status;

describe('riding through a broker restart (integration)', () => {
  let broker: LocalKafka;
  let kafka: Kafka;
  let slice: SliceRun | undefined;
  const services: RunningService[] = [];
  const schemas: string[] = [];
  // The broker's state dir first, then the replay files: removed in afterAll.
  const dirs = [mkdtempSync(join(tmpdir(), 'md-outage-kafka-'))];

  beforeAll(async () => {
    broker = await startLocalKafka({ dir: dirs[0], brokers: 1 });
    kafka = createKafka('broker-outage-test', broker.bootstrap);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s, 'SIGKILL'))); // their broker and schemas go next: no drain to wait for
    if (slice) for (const schema of schemas) await slice.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await finishSliceRun(slice);
    await broker?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 120_000);

  it('starts each service first and alone on an empty broker: /health at once, /ready once its topics are usable', async () => {
    const timings: string[] = [];
    for (const name of ALL) {
      await emptyBroker(kafka);
      const run = uniqueId('A');
      const schema = `t_${run.toLowerCase()}`;
      schemas.push(schema);
      const began = Date.now();
      const service = await startService(name, { KAFKA_BROKERS: broker.bootstrap.join(','), ...aloneEnv(name, run, schema) }, `test-outage-alone-${name}`);
      services.push(service);
      await waitFor(`${name} /health`, async () => (await status(service, '/health')) === 200 || !(await running(service)), 30_000, 50);
      const health = Date.now();
      await waitReady(service, 60_000);
      timings.push(`${name} health ${((health - began) / 1000).toFixed(1)} s, ready ${((Date.now() - began) / 1000).toFixed(1)} s`);
      // Only its start is under test: SIGKILL spares the drain (a fetch wait per consumer).
      await stopService(service, 'SIGKILL');
    }
    process.stdout.write(`alone on an empty broker: ${timings.join('; ')}\n`);
  }, 150_000);

  it('loses the broker for 30 s mid-replay: /ready 503, no stage exits (but one over its 5 s budget), every bar once, /ready back to 200', async () => {
    await emptyBroker(kafka);
    slice = await prepareSliceRun('O', broker.bootstrap);
    const { run: symbol, db } = slice;
    // A budget above the outage, so an exit is a failure; retries capped at 2 s so the stages notice the broker back soon.
    const brokers = { KAFKA_BROKERS: broker.bootstrap.join(','), KAFKA_OUTAGE_BUDGET_SECONDS: '120', RETRY_MAX_MS: '2000' };
    const dir = mkdtempSync(join(tmpdir(), 'md-outage-'));
    dirs.push(dir);
    const [header, ...rows] = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split(/\r?\n/);
    const file = join(dir, 'dbb.csv');
    writeFileSync(file, `${[header, ...rows.slice(0, ROWS)].join('\n')}\n`);
    const expected = expectedDbbBars(file);

    const stages = await Promise.all([
      startService('preprocessor', { ...brokers, ...slice.preprocessorEnv }, `test-${symbol}-preprocessor`),
      startService('timescale-writer', { ...brokers, ...slice.writerEnv }, `test-${symbol}-writer`),
      startService('feature-engine', { ...brokers, ...slice.featureEnv }, `test-${symbol}-features`),
      startService('quality-monitor', { ...brokers, ...slice.qualityEnv }, `test-${symbol}-quality`),
    ]);
    // One more writer, of its own groups and schema, with a budget well under the outage: it must give up.
    const spare = uniqueId('B');
    schemas.push(`t_${spare.toLowerCase()}`);
    const budgeted = await startService('timescale-writer', {
      ...aloneEnv('timescale-writer', spare, `t_${spare.toLowerCase()}`), KAFKA_BROKERS: broker.bootstrap.join(','), KAFKA_OUTAGE_BUDGET_SECONDS: '5',
    }, `test-${symbol}-writer-budget-5s`);
    services.push(...stages, budgeted);
    await Promise.all([...stages, budgeted].map((s) => waitReady(s)));
    const gateway = await startService('feed-gateway', {
      ...brokers, REPLAY_FILE: file, REPLAY_SYMBOL: symbol, REPLAY_ZONE: 'UTC', PUBLISH_BATCH: String(BATCH),
    }, `test-${symbol}-gateway`);
    services.push(gateway);
    const all = [...stages, gateway];

    const replay = async () => (await httpJson(gateway.port, '/v1/replay').catch(() => ({ body: null }))).body as { state: string; published: number } | null;
    const atKill = (await waitFor('the replay to be under way', async () => {
      const s = await replay();
      return s && s.published >= ROWS / 5 ? s : null;
    }, 60_000, 5))!;
    const killed = Date.now();
    await broker.kill(1, 'SIGKILL');
    expect(atKill.state).toBe('running'); // else ROWS is too small to be mid-replay

    await waitFor('every service /ready 503', async () => (await Promise.all(all.map((s) => status(s, '/ready')))).every((code) => code === 503), OUTAGE_MS - 2_000, 200);
    const unready = Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killed + OUTAGE_MS - Date.now())));
    expect(await Promise.all(all.map(running))).toEqual(all.map(() => true));
    // Unready after three fetch waits (15 s), then 5 s of budget: gone well before the broker is back.
    expect(await Promise.race([budgeted.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 100))])).toBe(1);
    expect(readFileSync(budgeted.logFile, 'utf8')).toMatch(/over the outage budget \(KAFKA_OUTAGE_BUDGET_SECONDS=5\)/);
    await broker.start(1);
    const restarted = Date.now();

    await waitFor('every service /ready 200 again', async () => (await Promise.all(all.map((s) => status(s, '/ready')))).every((code) => code === 200), 60_000, 200);
    const ready = Date.now();
    await waitFor('the replay to finish', async () => (await replay())?.state === 'done', 60_000, 100);
    await waitFor('the writer to store every bar', async () => {
      const { rows: [row] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${slice!.schema}.bars WHERE symbol = $1 AND timeframe = '1m'`, [symbol]);
      return row.n >= expected.size;
    }, 60_000, 250);
    const stored = Date.now();

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const reader = createKafka('broker-outage-reader', broker.bootstrap);
    const times = async (topic: string) => {
      const out: string[] = [];
      process.stdout.write(`${topic} end offsets ${JSON.stringify([...(await endOffsets(reader, topic))])}\n`);
      for (const r of await readTopicRange(reader, topic, new Map(), { timeoutMs: 60_000 })) {
        if (r.key?.toString() === symbol) out.push(new Date((await codec.decode<RawBar | CleanBar>(topic, r.value)).eventTime / 1000).toISOString());
      }
      return out;
    };
    const [raw, clean] = [await times(TOPICS.rawBars), await times(TOPICS.bars)];
    const { rows: [db1] } = await db.query<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT time)::int AS distinct FROM ${slice.schema}.bars WHERE symbol = $1 AND timeframe = '1m'`, [symbol]);
    process.stdout.write(`broker outage: killed after ${atKill.published} of ${ROWS} bars; every service /ready 503 after ${((unready - killed) / 1000).toFixed(1)} s; ` +
      `broker back after ${((restarted - killed) / 1000).toFixed(1)} s; every service ready ${((ready - restarted) / 1000).toFixed(1)} s after the restart; ` +
      `all bars stored ${((stored - restarted) / 1000).toFixed(1)} s after it; md.raw.bars.v1 ${raw.length}, md.bars.v1 ${clean.length}, stored ${db1.n}\n`);

    expect([raw.length, new Set(raw).size]).toEqual([expected.size, expected.size]);
    expect([clean.length, new Set(clean).size]).toEqual([expected.size, expected.size]);
    expect(new Set(clean)).toEqual(new Set(expected.keys()));
    expect(db1).toEqual({ n: expected.size, distinct: expected.size });
    expect(await Promise.all(all.map(running))).toEqual(all.map(() => true));
  }, 180_000);
});
