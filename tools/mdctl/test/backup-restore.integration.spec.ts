import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Kafka, Producer } from 'kafkajs';
import { LOCAL_STACK } from '@md/config';
import { TOPIC_TABLE, TOPICS, type CleanBar } from '@md/contracts';
import { SchemaCodec, createIdempotentProducer, createKafka, ensureTopics } from '@md/kafka';
import { cleanBar } from '@md/market';
import { PgDb } from '@md/storage';
import {
  committedOffset, dbbRows, mdctl, rowsToRawBars, startGroupAtEnd, startService, stopService, uniqueId, waitFor, waitReady, type RunningService,
} from '@md/testing';
import { STAGE_GROUPS } from '../src/stages';

// Integration, real stack, the writer and mdctl as processes (issue 18 point 3): two writers
// consume the same real DBB bars from md.bars.v1, each into its own schema with its own groups.
// Writer A runs uninterrupted. Writer B is backed up by `mdctl backup` while it is still storing
// them, finishes, is stopped, loses its schema (DROP SCHEMA), gets it back by `mdctl restore`, and
// is started again under the same groups: it must replay from the backup's offsets and end with
// tables equal to A's. Other runs may publish other symbols to the shared topic meanwhile, so rows
// are compared for this run's symbol.

const FROM = '2023-07-10';
const TO = '2024-04-30';
/** Wall-clock columns the database fills at write time, which two runs never share. */
const WALL_CLOCK = ['stored_at', 'updated_at'];

interface Writer { schema: string; env: Record<string, string>; groups: Record<string, string> }

function writerOf(run: string, name: string, batch: number): Writer {
  const schema = `t_${run.toLowerCase()}_${name}`;
  const groups = {
    GROUP_ID: `bk-${name}-${run}`, EVENTS_GROUP_ID: `bk-${name}-events-${run}`, DERIVED_GROUP_ID: `bk-${name}-derived-${run}`,
    RAW_GROUP_ID: `bk-${name}-raw-${run}`, TRADING_GROUP_ID: `bk-${name}-trading-${run}`,
  };
  return { schema, groups, env: { ...groups, DATABASE_URL: LOCAL_STACK.databaseUrl, DB_SCHEMA: schema, SESSION_TIMEOUT_MS: '6000', MAX_BATCH_RECORDS: String(batch) } };
}

/** The writer's groups and the topics each reads (as `mdctl backup --group` names them). */
const WRITER_TOPICS = new Map<string, string[]>(STAGE_GROUPS['timescale-writer'].map((g) => [g.variable, [...g.topics]]));

describe('mdctl backup mid-replay, drop, restore, replay: the tables of an uninterrupted run (integration)', () => {
  let bars: CleanBar[] = [];
  let kafka: Kafka | undefined;
  let producer: Producer | undefined;
  let db: PgDb | undefined;
  let backups: string | undefined;
  const services: RunningService[] = [];
  const run = uniqueId('BK');
  const a = writerOf(run, 'a', 5000);
  // Small chunks: B is still storing the replay when the backup's snapshot is taken.
  const b = writerOf(run, 'b', 100);

  beforeAll(async () => {
    // The fixture first: without it (the failing run) this fails before opening anything.
    bars = rowsToRawBars(dbbRows(FROM, TO), run).map((raw) => cleanBar(raw));
    kafka = createKafka(`test-${run}`, [LOCAL_STACK.kafkaBrokers]);
    await ensureTopics(kafka, TOPIC_TABLE);
    // Each group starts at the topics' end, so it reads only what this run publishes.
    await Promise.all([a, b].flatMap((w) => Object.entries(w.groups).map(([variable, group]) => startGroupAtEnd(kafka!, group, WRITER_TOPICS.get(variable)!))));
    producer = createIdempotentProducer(kafka);
    await producer.connect();
    db = new PgDb(LOCAL_STACK.databaseUrl);
    backups = mkdtempSync(join(tmpdir(), 'md-backup-'));
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await producer?.disconnect();
    for (const w of [a, b]) await db?.query(`DROP SCHEMA IF EXISTS ${w.schema} CASCADE`);
    await db?.close();
    if (backups) rmSync(backups, { recursive: true, force: true });
  });

  /** Publishes the bars keyed by the run's symbol (one partition); each bar's offset, and the partition. */
  async function publish(): Promise<{ partition: number; offsets: bigint[]; end: bigint }> {
    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const offsets: bigint[] = [];
    let partition = -1;
    for (let i = 0; i < bars.length; i += 2000) {
      const messages = [];
      for (const bar of bars.slice(i, i + 2000)) messages.push({ key: run, value: await codec.encode(TOPICS.bars, bar) });
      const [meta] = await producer!.send({ topic: TOPICS.bars, acks: -1, messages });
      partition = meta.partition;
      // One batch to one partition: its records take consecutive offsets from baseOffset.
      messages.forEach((_, k) => offsets.push(BigInt(meta.baseOffset!) + BigInt(k)));
    }
    return { partition, offsets, end: offsets[offsets.length - 1] + 1n };
  }

  const count = async (schema: string, table = 'bars') =>
    Number((await db!.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.${table} WHERE symbol = $1`, [run])).rows[0].n);

  async function start(w: Writer, label: string): Promise<RunningService> {
    const writer = await startService('timescale-writer', w.env, `test-${run}-${label}`);
    services.push(writer);
    return writer;
  }

  async function caughtUp(w: Writer, partition: number, end: bigint): Promise<void> {
    await waitFor(`${w.groups.GROUP_ID} to commit ${TOPICS.bars}[${partition}] up to ${end}`, async () => (await committedOffset(kafka!, w.groups.GROUP_ID, TOPICS.bars, partition)) >= end, 60_000, 100);
  }

  /** Every data table and aggregate of `schema` with rows of this run: its row count and a digest of its rows, wall-clock columns left out. */
  async function tablesOf(schema: string): Promise<Record<string, { rows: number; digest: string }>> {
    const { rows: relations } = await db!.query<{ name: string; kind: string }>(
      `SELECT c.relname AS name, c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition AND c.relname NOT IN ('schema_migrations', 'sink_offsets') ORDER BY 1`, [schema]);
    const out: Record<string, { rows: number; digest: string }> = {};
    for (const { name, kind } of relations) {
      if (kind === 'm') await db!.query(`REFRESH MATERIALIZED VIEW ${schema}.${name}`);
      const { rows: cols } = await db!.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [`${schema}.${name}`]);
      const kept = cols.map((c) => c.name).filter((c) => !WALL_CLOCK.includes(c));
      const where = kept.includes('symbol') ? 'WHERE symbol = $1' : 'WHERE $1::text IS NOT NULL';
      const { rows } = await db!.query<{ rows: number; digest: string | null }>(
        `SELECT count(*)::int AS rows, md5(string_agg(r, E'\\n' ORDER BY r)) AS digest FROM (SELECT ROW(${kept.join(', ')})::text AS r FROM ${schema}.${name} ${where}) x`, [run]);
      if (rows[0].rows > 0) out[name] = { rows: rows[0].rows, digest: rows[0].digest! };
    }
    return out;
  }

  it('ends with the tables of an uninterrupted run, the backup taken mid-replay', async () => {
    const started = Date.now();
    const marks: string[] = [];
    const mark = (what: string) => marks.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)}`);
    const { partition, offsets, end } = await publish();
    const distinct = new Set(bars.map((x) => x.eventTime)).size;
    const writerA = await start(a, 'writer-a');
    const writerB = await start(b, 'writer-b-1');
    await Promise.all([waitReady(writerA), waitReady(writerB)]);
    mark('ready');

    // 1. The backup, while B is storing the replay (asserted below from what it holds).
    await waitFor('writer B to store its first rows', async () => (await count(b.schema)) > 0, 60_000, 20);
    mark('first rows');
    const groupArgs = Object.entries(b.groups).flatMap(([variable, id]) => ['--group', `${variable}=${id}`]);
    const backup = await mdctl(['--database-url', LOCAL_STACK.databaseUrl, 'backup', '--dir', backups!, '--db-schema', b.schema, ...groupArgs]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    mark('backup done');
    const folder = /-> (\S+)\n$/.exec(backup.stdout)![1];
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    // This run's bars in the backup's file (other runs may have stored other symbols beside them).
    const barsTable = manifest.tables.find((t: { name: string }) => t.name === 'bars');
    const symbolAt = barsTable.columns.indexOf('symbol');
    const backedUp = gunzipSync(readFileSync(join(folder, barsTable.file))).toString('utf8').split('\n').filter((l) => l.split('\t')[symbolAt] === run).length;
    expect(backedUp).toBeGreaterThan(0);
    expect(backedUp).toBeLessThan(distinct);
    // Data and offsets from one snapshot: exactly the distinct minutes published before the recorded offset.
    const covered = manifest.sinkOffsets.find((o: { groupId: string; partition: number }) => o.groupId === b.groups.GROUP_ID && o.partition === partition);
    expect(backedUp).toBe(new Set(bars.filter((_, i) => offsets[i] < BigInt(covered.offset)).map((x) => x.eventTime)).size);

    // A restore while the writer runs is refused before anything is touched.
    const refused = await mdctl(['--database-url', LOCAL_STACK.databaseUrl, 'restore', folder, '--db-schema', b.schema, '--replace']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^mdctl: consumer group bk-b-\\S*${run} is active \\(\\w+, 1 member\\(s\\)\\): stop the timescale-writer \\(scale it to 0\\)`));

    // 2. B finishes the replay and stops; its schema is lost.
    await Promise.all([caughtUp(a, partition, end), caughtUp(b, partition, end)]);
    expect(await count(b.schema)).toBe(distinct);
    mark('b finished');
    expect(await stopService(writerB)).toBe(0);
    await db!.query(`DROP SCHEMA ${b.schema} CASCADE`);

    // 3. The restore: the backup's rows, aggregates refreshed, B's group moved back to the backup's offset.
    mark('dropped');
    const restore = await mdctl(['--database-url', LOCAL_STACK.databaseUrl, 'restore', folder, '--db-schema', b.schema]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(new RegExp(`restored schema ${b.schema} .*: \\d+ tables, ${manifest.tables.reduce((n: number, t: { rows: number }) => n + t.rows, 0)} rows loaded in`));
    expect(await count(b.schema)).toBe(backedUp);
    expect(await count(b.schema, 'bars_1d')).toBeGreaterThan(0);
    expect(await committedOffset(kafka!, b.groups.GROUP_ID, TOPICS.bars, partition)).toBe(BigInt(covered.offset));
    mark('restored');
    const rate = /\((\d+) rows\/s\)/.exec(restore.stdout)![1];

    // 4. B again, same groups: it replays from the backup's offset and catches up.
    // Full-size chunks now: the restart only has to catch up.
    await waitReady(await start({ ...b, env: { ...b.env, MAX_BATCH_RECORDS: '5000' } }, 'writer-b-2'));
    mark('b2 ready');
    await caughtUp(b, partition, end);
    mark('b2 caught up');
    const [tablesA, tablesB] = [await tablesOf(a.schema), await tablesOf(b.schema)];
    expect(tablesA.bars.rows).toBe(distinct);
    expect(Object.keys(tablesA)).toEqual(expect.arrayContaining(['bars', 'bars_5m', 'bars_1d']));
    expect(tablesB).toEqual(tablesA);
    mark('compared');
    process.stdout.write(`backup-restore: ${distinct} bars, backup at ${backedUp}, restore ${rate} rows/s, ${marks.join(', ')}\n`);
  });
});
