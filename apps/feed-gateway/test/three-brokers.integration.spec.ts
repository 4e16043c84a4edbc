import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { LOCAL_STACK } from '@md/config';
import { TOPIC_TABLE, TOPICS, type CleanBar, type RawBar } from '@md/contracts';
import { SchemaCodec, createKafka, endOffsets, ensureTopics, readTopicRange } from '@md/kafka';
import { PgDb } from '@md/storage';
import {
  expectedDbbBars, httpJson, startLocalKafka, startService, stopService, uniqueId, waitFor, waitReady, type LocalKafka, type RunningService,
} from '@md/testing';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Integration: the bars slice (gateway file replay -> preprocessor -> timescale-writer) on a
// private three-node KRaft cluster (stack.sh up --only kafka --brokers 3: replication factor 3,
// min.insync.replicas 2; the registry and PostgreSQL are the shared ones). Mid-replay the leader
// of the md.raw.bars.v1 partition being written gets kill -9 and comes back 10 s later. acks=all
// with min ISR 2 means every acknowledged write is on a surviving replica, and the transactions
// keep it exactly once: each input bar is stored once, md.raw.bars.v1 and md.bars.v1 (read_committed)
// hold it once, and every stage rides through without an exit or a restart.

const ROWS = 3_000;
const BATCH = 100;
const DOWN_MS = 10_000;

function sliceFile() {
  const dir = mkdtempSync(join(tmpdir(), 'md-three-brokers-'));
  const [header, ...rows] = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split(/\r?\n/);
  const file = join(dir, 'dbb-slice.csv');
  writeFileSync(file, `${[header, ...rows.slice(0, ROWS)].join('\n')}\n`);
  return { dir, file, expected: expectedDbbBars(file) };
}

async function replayStatus(gateway: RunningService): Promise<{ state: string; published: number } | null> {
  return (await httpJson(gateway.port, '/v1/replay').catch(() => ({ body: null }))).body;
}

/** The leader node of each partition of `topic` that holds records. */
async function writtenLeaders(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const written = [...(await endOffsets(kafka, topic))].filter(([, high]) => BigInt(high) > 0n).map(([p]) => p);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map(topics[0].partitions.filter((p) => written.includes(p.partitionId)).map((p) => [p.partitionId, p.leader]));
  } finally {
    await admin.disconnect();
  }
}

function notOnce(values: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Object.fromEntries([...counts].filter(([, n]) => n !== 1));
}

describe('bars slice on three brokers, the leader killed mid-replay (integration)', () => {
  const { dir: fileDir, file, expected } = sliceFile();
  const services: RunningService[] = [];
  const exits: string[] = [];
  // The cluster is the run's own: the stages' default groups start at its (empty) beginning.
  const symbol = uniqueId('K');
  const schema = `t_${symbol.toLowerCase()}`;
  const db = new PgDb(LOCAL_STACK.databaseUrl);
  let cluster: LocalKafka;
  // The cluster's state dir, then the replay file's: removed in afterAll.
  const dirs = [mkdtempSync(join(tmpdir(), 'md-kafka3-')), fileDir];
  let kafka: Kafka;
  let setup = '';

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await startLocalKafka({ dir: dirs[0], brokers: 3 });
    kafka = createKafka(`test-${symbol}`, cluster.bootstrap);
    await ensureTopics(kafka, TOPIC_TABLE);
    setup = `cluster up and topics created in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  });

  afterAll(async () => {
    const t0 = Date.now();
    await Promise.all(services.map((s) => stopService(s)));
    const t1 = Date.now();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
    await cluster?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    process.stdout.write(`three brokers: stages drained in ${((t1 - t0) / 1000).toFixed(1)} s, cluster stopped in ${((Date.now() - t1) / 1000).toFixed(1)} s\n`);
  });

  const start = async (name: Parameters<typeof startService>[0], env: Record<string, string>) => {
    const service = await startService(name, { ...env, KAFKA_BROKERS: cluster.bootstrap.join(',') }, `test-${symbol}-${name}`);
    void service.exited.then((code) => exits.push(`${name} exited with ${code}; see ${service.logFile}`));
    services.push(service);
    return service;
  };

  it('stores every bar once and no stage exits when the partition leader is killed and restarted', async () => {
    const began = Date.now();
    const prep = await start('preprocessor', {});
    const writer = await start('timescale-writer', { DATABASE_URL: LOCAL_STACK.databaseUrl, DB_SCHEMA: schema });
    await Promise.all([waitReady(prep), waitReady(writer)]);
    const gateway = await start('feed-gateway', {
      REPLAY_FILE: file, REPLAY_SYMBOL: symbol, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'false', PUBLISH_BATCH: String(BATCH),
    });

    const atKill = (await waitFor('the replay to publish its first batches', async () => {
      const s = await replayStatus(gateway);
      return s && (s.published >= 5 * BATCH || ['done', 'failed'].includes(s.state)) ? s : null;
    }, 90_000, 5))!;
    expect(atKill.state).toBe('running'); // else ROWS is too small to kill mid-replay
    const rawLeaders = await writtenLeaders(kafka, TOPICS.rawBars);
    const victim = [...rawLeaders.values()][0];
    await cluster.kill(victim);
    const killedAt = Date.now();
    let restartedAt = 0;
    // The outage under test is a fixed 10 s (not a wait for a condition); the pipeline goes on meanwhile.
    const restart = new Promise((r) => setTimeout(r, DOWN_MS)).then(() => cluster.start(victim)).then(() => (restartedAt = Date.now()));

    await waitFor(`the replay to finish (log: ${gateway.logFile})`, async () => (await replayStatus(gateway))?.state === 'done', 90_000, 100);
    await waitFor(`the writer to store every bar (stage logs: ${services.map((s) => s.logFile).join(', ')})`, async () => {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.bars WHERE symbol = $1 AND timeframe = '1m'`, [symbol]);
      return rows[0].n >= expected.size;
    }, 90_000, 250);
    const stored = Date.now();
    await restart;

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    /** Event times on `topic`, and where each repeated one sits (partition@offset, producer id/epoch) for a failure's diagnosis. */
    const times = async (topic: string) => {
      const records = (await readTopicRange(kafka, topic, new Map(), { timeoutMs: 60_000 })).filter((m) => m.key?.toString() === symbol);
      const decoded = await Promise.all(records.map(async (r) => new Date((await codec.decode<RawBar | CleanBar>(topic, r.value)).eventTime / 1000).toISOString()));
      const repeated = new Set(Object.keys(notOnce(decoded)));
      const where = records.filter((_, i) => repeated.has(decoded[i])).map((r) => `${r.partition}@${r.offset} p${r.producerId}/e${r.producerEpoch}`);
      if (where.length) process.stdout.write(`three brokers: ${topic} repeats ${repeated.size} event times, at ${where.slice(0, 4).join(', ')} … ${where.slice(-4).join(', ')}\n`);
      return decoded;
    };
    const [raw, clean] = await Promise.all([times(TOPICS.rawBars), times(TOPICS.bars)]);
    const { rows } = await db.query<{ time: Date }>(`SELECT time FROM ${schema}.bars WHERE symbol = $1 AND timeframe = '1m'`, [symbol]);
    const dbTimes = rows.map((r) => r.time.toISOString());
    process.stdout.write(`three brokers: ${ROWS} rows in batches of ${BATCH}; killed node ${victim} (leader of md.raw.bars.v1 partitions ` +
      `${[...rawLeaders.keys()].join(',')}) after ${atKill.published} bars, ${((killedAt - began) / 1000).toFixed(1)} s in; back ` +
      `${((restartedAt - killedAt) / 1000).toFixed(1)} s later; all stored by ${((stored - began) / 1000).toFixed(1)} s; ` +
      `raw ${raw.length}, clean ${clean.length}, database ${dbTimes.length}; ${setup}\n`);

    expect(exits).toEqual([]);
    expect([raw.length, notOnce(raw)]).toEqual([expected.size, {}]);
    expect([clean.length, notOnce(clean)]).toEqual([expected.size, {}]);
    expect(new Set(clean)).toEqual(new Set(expected.keys()));
    expect(dbTimes.length).toBe(expected.size);
    expect(new Set(dbTimes)).toEqual(new Set(expected.keys()));
  });
});
