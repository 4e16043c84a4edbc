import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { REPROCESS_HEADER, TOPICS, type CleanBar, type CorporateActionRecord, type DeadLetterRecord, type RestatementRecord } from '@md/contracts';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';
import { SchemaCodec, endOffsets, readTopicRange, type PartitionOffsets } from '@md/kafka';
import { newYorkMidnightUs, nowMicros } from '@md/market';
import { upsertCorporateActions } from '@md/storage';
import {
  exitCode, finishSliceRun, mdctl, metricValue, prepareSliceRun, startGroupAtEnd, startService, stopService, waitCaughtUp, waitFor, waitReady, type RunningService, type SliceRun,
} from '@md/testing';

// Integration: five days of real DBB minutes (2024-05-06..10) through gateway -> preprocessor ->
// writer (generation 0). Then a cash dividend ex 2024-05-09 is stored that the live stage never
// saw (in no bar's factors, no restatement), and a bar the rules refuse is planted in the window. `mdctl reprocess --stage preprocessor` for 05-08..05-09 (generation 1)
// must restate the window's bars with the dividend's factor, computed here from the file's closes
// by the README's formula, delete and dead-letter the planted bar, leave the other days alone, and
// a second run must change nothing.

const FROM = '2024-05-08';
const TO = '2024-05-10';
const [FROM_US, TO_US] = [Date.parse(`${FROM}T00:00:00Z`) * 1000, Date.parse(`${TO}T00:00:00Z`) * 1000];
const EX_DATE = '2024-05-09';
const EX_US = newYorkMidnightUs(EX_DATE);
const AMOUNT = 0.25;
/** A minute the file has no bar for, inside 05-08's regular session. */
const PLANTED = '2024-05-08T19:58:00.000Z';

/** The file's distinct minutes of the days replayed (the first of a minute is the one stored), UTC micros -> close. */
function fileMinutes(): Map<number, string> {
  const minutes = new Map<number, string>();
  for (const line of readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split('\n').slice(1)) {
    if (line < '2024-05-06' || line >= '2024-05-11') continue;
    const [ts, , , , close] = line.split(',');
    const us = Date.parse(`${ts.replace(' ', 'T')}Z`) * 1000;
    if (!minutes.has(us)) minutes.set(us, close);
  }
  return minutes;
}

describe('reprocess re-cleans the preprocessor window under a corporate action the stored bars lack (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
  const minutes = fileMinutes();
  /** A live quality-monitor started after the replay on a group at the end: no state for the run's streams. */
  let monitor: RunningService;
  const monitorGroup = () => `quality-fresh-${slice.run}`;

  beforeAll(async () => {
    slice = await prepareSliceRun('P');
    const csv = join(mkdtempSync(join(tmpdir(), 'md-prep-reprocess-')), 'bars.csv');
    const lines = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split('\n');
    writeFileSync(csv, `${[lines[0], ...lines.filter((l) => l >= '2024-05-06' && l < '2024-05-11')].join('\n')}\n`);
    const start = (name: Parameters<typeof startService>[0], env: Record<string, string>) => startService(name, env, `test-${slice.run}-${name}`);
    services.push(await start('timescale-writer', slice.writerEnv), await start('preprocessor', slice.preprocessorEnv));
    await Promise.all(services.map((s) => waitReady(s)));
    expect(await exitCode(await start('feed-gateway', { REPLAY_FILE: csv, REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }))).toBe(0);
    await waitCaughtUp(slice.kafka, slice.preprocessorEnv.GROUP_ID, [TOPICS.rawBars]);
    await waitCaughtUp(slice.kafka, slice.writerEnv.GROUP_ID, [TOPICS.bars]);
    // Stored the way the writer stores an action, but never published: no live preprocessor on the
    // shared broker (another run's included) applies it, so no bar's factors and no schedule has it.
    const dividend: CorporateActionRecord = {
      symbol: slice.run, exDate: EX_DATE, kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: String(AMOUNT), referencePrice: null, provider: 'test', revision: 0, ingestTime: nowMicros(),
    };
    await upsertCorporateActions(slice.db, [dividend], slice.schema);
    await slice.db.query(
      `INSERT INTO ${slice.schema}.bars (symbol, timeframe, time, open, high, low, close, volume, session, provider, revision, ingest_time)
       VALUES ($1, '1m', $2, 20.3, 20.1, 20.2, 20.2, 100, 'REGULAR', 'file', 0, now())`, [slice.run, PLANTED]);
    await startGroupAtEnd(slice.kafka, monitorGroup(), [TOPICS.rawBars, TOPICS.bars]);
    monitor = await start('quality-monitor', { GROUP_ID: monitorGroup(), TRANSACTIONAL_ID: monitorGroup(), SESSION_TIMEOUT_MS: '6000' });
    services.push(monitor);
    await waitReady(monitor);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  const reprocess = () => mdctl(['reprocess', '--stage', 'preprocessor', '--from', FROM, '--to', TO, '--symbols', slice.run, '--generation', '1',
    '--db-schema', slice.schema, '--cause', 'dividend ex 2024-05-09'], { DATABASE_URL: LOCAL_STACK.databaseUrl }, 120_000);

  async function settle(): Promise<void> {
    const { kafka, writerEnv: w } = slice;
    await waitCaughtUp(kafka, w.GROUP_ID, [TOPICS.bars]);
    await waitCaughtUp(kafka, w.EVENTS_GROUP_ID, [TOPICS.restatements]);
    await waitCaughtUp(kafka, w.DERIVED_GROUP_ID, [TOPICS.reprocessed]);
  }

  type Row = { t: number; close: string; split: number; dividend: number; generation: number };
  async function stored(): Promise<Row[]> {
    const { rows } = await slice.db.query<{ t: string; close: string; split_factor: number; dividend_factor: number; generation: string }>(
      `SELECT (extract(epoch FROM time) * 1000000)::bigint::text AS t, close::text, split_factor, dividend_factor, generation::text FROM ${slice.schema}.bars WHERE symbol = $1 ORDER BY time`, [slice.run]);
    return rows.map((r) => ({ t: Number(r.t), close: r.close, split: r.split_factor, dividend: r.dividend_factor, generation: Number(r.generation) }));
  }
  /** Every stored row of the run (bars with their stored_at, and the schedule): equal md5s mean nothing was rewritten. */
  async function checksum(where = 'true'): Promise<{ bars: string; segments: string | null }> {
    const { rows } = await slice.db.query<{ bars: string; segments: string | null }>(
      `SELECT (SELECT md5(string_agg(b::text, '|' ORDER BY timeframe, time)) FROM ${slice.schema}.bars b WHERE symbol = $1 AND ${where}) AS bars,
              (SELECT md5(string_agg(a::text, '|' ORDER BY seq)) FROM ${slice.schema}.adjustment_segments a WHERE symbol = $1) AS segments`, [slice.run]);
    return rows[0];
  }
  /** The run's records on `topic` since `from`; `restated` keeps those with the reprocess header (or without it). */
  async function ofRun<T>(topic: string, from: PartitionOffsets, restated?: string | null): Promise<T[]> {
    const out: T[] = [];
    for (const m of await readTopicRange(slice.kafka, topic, from)) {
      if (m.key?.toString() !== slice.run) continue;
      if (restated !== undefined && (m.headers[REPROCESS_HEADER]?.toString() ?? null) !== restated) continue;
      out.push(await codec.decode<T>(topic, m.value));
    }
    return out;
  }

  it('restates the window with the dividend, dead-letters the refused bar, leaves the rest, and a second run changes nothing', async () => {
    const inWindow = (t: number) => t >= FROM_US && t < TO_US;
    const before = await stored();
    expect(before.map((r) => r.t)).toEqual([...[...minutes.keys()], Date.parse(PLANTED) * 1000].sort((a, b) => a - b));
    expect(before.every((r) => r.generation === 0 && r.split === 1 && r.dividend === 1)).toBe(true);
    const outside = (await checksum(`NOT (time >= '${FROM}T00:00:00Z' AND time < '${TO}T00:00:00Z')`)).bars;
    const offsets = Object.fromEntries(await Promise.all([TOPICS.bars, TOPICS.deadLetter, TOPICS.restatements, TOPICS.qualityIssues].map(async (t) => [t, await endOffsets(slice.kafka, t)] as const)));

    const started = Date.now();
    const first = await reprocess();
    const seconds = (Date.now() - started) / 1000;
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    const window = [...minutes.keys()].filter(inWindow).sort((a, b) => a - b);
    expect(first.stdout).toContain(`${slice.run}: ${window.length} bars of generation 1 published`);
    expect(first.stdout).toContain('1 dead-lettered');
    await settle();

    // The README's factor: 1 - dividend / raw close of the last regular minute (09:30-16:00 New York, 13:30-20:00 UTC in May) before the ex-date.
    const previous = [...minutes].filter(([t]) => t >= Date.parse('2024-05-08T13:30:00Z') * 1000 && t < Date.parse('2024-05-08T20:00:00Z') * 1000).sort(([a], [b]) => a - b).pop()!;
    const factor = 1 - AMOUNT / Number(previous[1]);
    expect(first.stdout).toContain(`dividend ex ${EX_DATE} (${AMOUNT}) stored without referencePrice: close before its ex-date ${Number(previous[1])} from the stored bars`);
    const expected = (t: number) => ({ t, split: 1, dividend: t < EX_US ? factor : 1, generation: 1 });
    const after = await stored();
    expect(after.filter((r) => inWindow(r.t)).map(({ t, split, dividend, generation }) => ({ t, split, dividend, generation }))).toEqual(window.map(expected));
    expect(after.filter((r) => !inWindow(r.t)).every((r) => r.generation === 0 && r.dividend === 1)).toBe(true);
    expect((await checksum(`NOT (time >= '${FROM}T00:00:00Z' AND time < '${TO}T00:00:00Z')`)).bars).toBe(outside);
    expect(after).toHaveLength(minutes.size);

    const letters = await ofRun<DeadLetterRecord>(TOPICS.deadLetter, offsets[TOPICS.deadLetter]);
    expect(letters.map((l) => ({ stage: l.stage, location: l.sourceLocation, reason: l.reason }))).toEqual([{
      stage: 'preprocessor', location: `reprocess:bars/${slice.run}/1m/${PLANTED}`, reason: `${slice.run} 1m bar: high 20.10000000 is below low 20.20000000; open 20.30000000 is above high 20.10000000; close 20.20000000 is above high 20.10000000`,
    }]);

    // Each restated bar is headed as a restatement (live stages that judge arrivals skip it). Generation 0
    // records of the run may follow from other runs' live preprocessors on the shared broker (they read every raw bar).
    const onTopic = await ofRun<CleanBar>(TOPICS.bars, offsets[TOPICS.bars], 'preprocessor/1');
    expect((await ofRun<CleanBar>(TOPICS.bars, offsets[TOPICS.bars], null)).filter((b) => b.generation !== 0)).toEqual([]);
    expect(onTopic.map((b) => ({ t: b.eventTime, split: b.splitFactor, dividend: b.dividendFactor, generation: b.generation }))).toEqual(window.map(expected));

    // A monitor with no state for the run's streams does not judge the restated window as arrivals
    // (without the header it would score 05-08 as a day of ~2 hours and report the gap to it).
    await waitCaughtUp(slice.kafka, monitorGroup(), [TOPICS.bars]);
    expect(await ofRun(TOPICS.qualityIssues, offsets[TOPICS.qualityIssues])).toEqual([]);
    await waitFor('the fresh monitor to count the restated bars it skipped', async () =>
      (await metricValue(monitor.port, 'md_quality_restated_bars_skipped_total')) >= window.length, 30_000, 250);

    const restatements = await ofRun<RestatementRecord>(TOPICS.restatements, offsets[TOPICS.restatements]);
    const schedule = [{ fromTime: null, toTime: EX_US, splitFactor: 1, dividendFactor: factor }, { fromTime: EX_US, toTime: null, splitFactor: 1, dividendFactor: 1 }];
    expect(restatements.map((r) => r.segments)).toEqual([schedule]);
    const { rows: segments } = await slice.db.query<{ dividend_factor: number }>(`SELECT dividend_factor FROM ${slice.schema}.adjustment_segments WHERE symbol = $1 ORDER BY seq`, [slice.run]);
    expect(segments.map((s) => s.dividend_factor)).toEqual([factor, 1]);
    process.stdout.write(`preprocessor reprocess: ${window.length} bars restated in ${seconds.toFixed(1)} s, factor ${factor}\n${first.stdout}`);

    const whole = await checksum();
    const again = await Promise.all([TOPICS.deadLetter, TOPICS.restatements].map((t) => endOffsets(slice.kafka, t)));
    const second = await reprocess();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 dead-lettered');
    expect(second.stdout).toContain('schedule unchanged');
    await settle();
    expect(await checksum()).toEqual(whole);
    expect(await ofRun(TOPICS.deadLetter, again[0])).toEqual([]);
    expect(await ofRun(TOPICS.restatements, again[1])).toEqual([]);
  });
});
