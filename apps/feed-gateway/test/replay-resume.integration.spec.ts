import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type CleanBar, type DeadLetterRecord, type RawBar } from '@md/contracts';
import { SchemaCodec, endOffsets, readTopicRange } from '@md/kafka';
import {
  exitCode, expectedDbbBars, finishSliceRun, httpJson, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun,
} from '@md/testing';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Integration: the gateway killed with SIGKILL five times during a file replay of real DBB bars,
// restarted each time under the same job. Each batch commits with the replay's position in one
// Kafka transaction, so md.raw.bars.v1 and md.bars.v1 (read_committed) hold every input bar exactly
// once, the rejected rows' dead letters are not repeated, and the database equals the file.
// md.bars.v1 is checked per producing pipeline: other tests' preprocessors on the shared stack read
// the run's raw bars too and publish them once each (the producer id readTopicRange returns tells them apart).

const ROWS = 12_000;
const BATCH = 100;
const KILLS = 5;
/** Rows (0-based, after the header) whose `high` is made unreadable: dead-lettered by the gateway. */
const BROKEN = [42, 250, 650, 1_100, 9_000];

const checksumSql = (schema: string) => `
  SELECT count(*)::int AS rows,
         md5(string_agg(concat_ws(',', time, open, high, low, close, volume), ';' ORDER BY time)) AS digest
  FROM ${schema}.bars WHERE symbol = $1 AND timeframe = '1m'`;
const referenceSql = `
  SELECT md5(string_agg(concat_ws(',', time, open, high, low, close, volume), ';' ORDER BY time)) AS digest
  FROM (SELECT (e->>'time')::timestamptz AS time, (e->>'open')::numeric(20,8) AS open, (e->>'high')::numeric(20,8) AS high,
               (e->>'low')::numeric(20,8) AS low, (e->>'close')::numeric(20,8) AS close, (e->>'volume')::bigint AS volume
        FROM jsonb_array_elements($1::jsonb) e) x`;

/** The first ROWS rows of the DBB file, clean and with BROKEN rows spoiled; the bars the database must end with. */
function sliceFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'md-replay-resume-'));
  const [header, ...rows] = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split(/\r?\n/);
  const slice = rows.slice(0, ROWS);
  const clean = join(dir, 'clean.csv');
  writeFileSync(clean, `${[header, ...slice].join('\n')}\n`);
  const spoiled = slice.map((row, i) => (BROKEN.includes(i) ? row.split(',').map((f, c) => (c === 2 ? 'x' : f)).join(',') : row));
  const file = join(dir, 'dbb-slice.csv');
  writeFileSync(file, `${[header, ...spoiled].join('\n')}\n`);
  const expected = expectedDbbBars(clean);
  for (const i of BROKEN) expected.delete(new Date(`${slice[i].split(',')[0].replace(' ', 'T')}Z`).toISOString());
  return { file, expected, brokenLines: BROKEN.map((i) => `${file}:${i + 2}`) };
}

/** GET /v1/replay of a gateway, or null while it does not answer. */
async function replayStatus(gateway: RunningService): Promise<{ state: string; file: string | null; resumedFrom: number; published: number } | null> {
  return (await httpJson(gateway.port, '/v1/replay').catch(() => ({ body: null }))).body;
}

/** How often each value occurs, for the values that occur other than once. */
function notOnce(values: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Object.fromEntries([...counts].filter(([, n]) => n !== 1));
}

describe('feed-gateway killed with SIGKILL five times mid-replay (integration)', () => {
  const { file, expected, brokenLines } = sliceFiles();
  const services: RunningService[] = [];
  let slice: SliceRun;

  beforeAll(async () => {
    slice = await prepareSliceRun('R');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('leaves every bar once on md.raw.bars.v1 and md.bars.v1, each dead letter once, and the database equal to the file', async () => {
    const { run: symbol, kafka, db } = slice;
    const began = Date.now();
    const [rawStart, barsStart, dlqStart] = await Promise.all([TOPICS.rawBars, TOPICS.bars, TOPICS.deadLetter].map((t) => endOffsets(kafka, t)));
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${symbol}-preprocessor`);
    const writer = await startService('timescale-writer', slice.writerEnv, `test-${symbol}-writer`);
    services.push(prep, writer);
    await Promise.all([waitReady(prep), waitReady(writer)]);

    const env = { REPLAY_FILE: file, REPLAY_SYMBOL: symbol, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true', PUBLISH_BATCH: String(BATCH) };
    const starts: Array<{ resumedFrom: number; publishedAtKill: number | null }> = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const gateway = await startService('feed-gateway', env, `test-${symbol}-gateway-${kill + 1}`);
      // Kill once this start has published something, a varying number of batches in.
      const after = BATCH * (1 + ((kill * 3) % 5));
      const status = (await waitFor(`start ${kill + 1} to publish ${after} bars`, async () => {
        const s = await replayStatus(gateway);
        return s && (s.published >= after || ['done', 'failed'].includes(s.state)) ? s : null;
      }, 90_000, 5))!;
      gateway.process.kill('SIGKILL');
      await gateway.exited;
      expect({ start: kill + 1, state: status.state }).toEqual({ start: kill + 1, state: 'running' }); // else ROWS is too small
      starts.push({ resumedFrom: status.resumedFrom, publishedAtKill: status.published });
    }
    const last = await startService('feed-gateway', env, `test-${symbol}-gateway-${KILLS + 1}`);
    const final = (await waitFor('the last start to report its replay', async () => ((await replayStatus(last))?.file ? replayStatus(last) : null), 90_000, 20))!;
    expect(await exitCode(last, 180_000)).toBe(0);
    starts.push({ resumedFrom: final.resumedFrom, publishedAtKill: null });
    const replayed = Date.now();

    // Each start resumed at least where the batches its predecessor had committed reached.
    expect(starts[0].resumedFrom).toBe(0);
    for (let i = 1; i < starts.length; i++) expect(starts[i].resumedFrom).toBeGreaterThanOrEqual(starts[i - 1].resumedFrom + starts[i - 1].publishedAtKill!);

    await waitFor('the writer to store every bar of the slice', async () => {
      const { rows } = await db.query<{ rows: number }>(checksumSql(slice.schema), [symbol]);
      return rows[0].rows >= expected.size;
    }, 180_000, 250);
    const stored = Date.now();

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    /** The run's bars on `topic` since its start, as event times grouped by the producer that wrote them. */
    const timesByProducer = async (topic: string, from: Map<number, string>) => {
      const byProducer = new Map<string, string[]>();
      for (const r of (await readTopicRange(kafka, topic, from, { timeoutMs: 120_000 })).filter((m) => m.key?.toString() === symbol)) {
        const time = new Date((await codec.decode<RawBar | CleanBar>(topic, r.value)).eventTime / 1000).toISOString();
        (byProducer.get(r.producerId) ?? byProducer.set(r.producerId, []).get(r.producerId)!).push(time);
      }
      return [...byProducer.values()];
    };
    // One producer wrote the run's raw bars: the job's transactional producer, the same id over all six starts.
    const rawByProducer = await timesByProducer(TOPICS.rawBars, rawStart);
    const raw = rawByProducer.flat();
    // Each pipeline's preprocessor once; the run's own is the one that saw the whole replay.
    const cleanByProducer = await timesByProducer(TOPICS.bars, barsStart);
    const clean = cleanByProducer.reduce((a, b) => (b.length > a.length ? b : a), []);
    const letters: string[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.deadLetter, dlqStart, { timeoutMs: 120_000 })) {
      const letter = await codec.decode<DeadLetterRecord>(TOPICS.deadLetter, m.value);
      if (letter.sourceLocation?.startsWith(`${file}:`)) letters.push(letter.sourceLocation);
    }
    process.stdout.write(`replay resume: ${ROWS} rows in batches of ${BATCH}, ${KILLS} SIGKILLs; starts resumed from rows ${starts.map((s) => s.resumedFrom).join(', ')}, ` +
      `published before each kill ${starts.slice(0, -1).map((s) => s.publishedAtKill).join(', ')}; md.raw.bars.v1 ${raw.length} (${rawByProducer.length} producer), ` +
      `md.bars.v1 ${clean.length} from this run's preprocessor (${cleanByProducer.length} pipelines in all), dead letters ${letters.length}; ` +
      `replayed in ${((replayed - began) / 1000).toFixed(1)} s, stored by ${((stored - began) / 1000).toFixed(1)} s\n`);

    expect([rawByProducer.length, raw.length, notOnce(raw)]).toEqual([1, expected.size, {}]);
    expect(new Set(raw)).toEqual(new Set(expected.keys()));
    expect([clean.length, notOnce(clean)]).toEqual([expected.size, {}]);
    expect(new Set(clean)).toEqual(new Set(expected.keys()));
    for (const pipeline of cleanByProducer) expect(notOnce(pipeline)).toEqual({});
    expect(letters.sort()).toEqual([...brokenLines].sort());

    const { rows } = await db.query<{ rows: number; digest: string }>(checksumSql(slice.schema), [symbol]);
    const { rows: reference } = await db.query<{ digest: string }>(referenceSql, [JSON.stringify([...expected.values()])]);
    expect(rows[0]).toEqual({ rows: expected.size, digest: reference[0].digest });
  });
});
