import { LOCAL_STACK } from '@md/config';
import { TOPICS, type DeadLetterRecord, type QualityIssueRecord } from '@md/contracts';
import { SchemaCodec, endOffsets, readTopicRange } from '@md/kafka';
import { httpJson, finishSliceRun, prepareSliceRun, registerTestSecrets, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';
import { PolygonSimulator, dbbMinuteBars, minuteEvents, withLateTrade } from '@md/simulators';

// Integration (issue 16 part 4): live Polygon AM bars, a dropped connection, and a gap backfill
// whose REST bars disagree with the live ones for some minutes (the simulator's `revise` fault:
// one late trade each) through gateway -> preprocessor -> timescale-writer. The settled REST bar
// wins: stored rows equal the REST values, bar_revisions holds the live values, one bar_revised
// issue per replaced minute, a REST bar equal to the live one changes nothing, nothing is dead-lettered.

const KEY = 'pk_integration_revisions_key_3c2b1a';
const MINUTE_MS = 60_000;
const MINUTES = 8;
const LIVE = 4;

describe('gap backfill with disagreeing REST bars (integration)', () => {
  let slice: SliceRun;
  let sim: PolygonSimulator;
  const services: RunningService[] = [];

  beforeAll(async () => {
    registerTestSecrets(KEY);
    slice = await prepareSliceRun('G');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await sim?.stop();
    await finishSliceRun(slice);
  });

  it('stores the REST values, logs the live ones, and reports each replaced minute once', async () => {
    const { run, kafka, db, schema } = slice;
    const end = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
    const real = dbbMinuteBars().filter((b) => b.t >= Date.UTC(2024, 4, 1));
    const symbols = [`${run}A`, `${run}B`];
    const events = symbols.flatMap((sym, s) => minuteEvents(sym, real.slice(s * MINUTES, (s + 1) * MINUTES).map((b, m) => ({ ...b, t: end - (MINUTES - 1 - m) * MINUTE_MS }))))
      .sort((a, b) => Number(a.s) - Number(b.s) || a.sym.localeCompare(b.sym));
    const minute = (m: number) => end - (MINUTES - 1 - m) * MINUTE_MS;
    // The backfill starts a minute before the newest live bar: minutes LIVE-2 and LIVE-1 come again
    // over REST. All but one of them disagree; A's earlier one is the same bar.
    const revised = new Set([`${symbols[0]}@${minute(LIVE - 1)}`, `${symbols[1]}@${minute(LIVE - 2)}`, `${symbols[1]}@${minute(LIVE - 1)}`]);
    const sameOverRest = `${symbols[0]}@${minute(LIVE - 2)}`;

    const [issuesStart, dlqStart] = [await endOffsets(kafka, TOPICS.qualityIssues), await endOffsets(kafka, TOPICS.deadLetter)];
    sim = await PolygonSimulator.start({ apiKey: KEY, clock: 'live', stream: events, eventsPerFrame: 4 });
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${run}-preprocessor`);
    const writer = await startService('timescale-writer', slice.writerEnv, `test-${run}-writer`);
    services.push(prep, writer);
    await Promise.all([waitReady(prep), waitReady(writer)]);
    const gateway = await startService('feed-gateway', {
      POLYGON_API_KEY: KEY, POLYGON_CHANNELS: symbols.map((s) => `AM.${s}`).join(','), POLYGON_STREAM_URL: sim.wsUrl, POLYGON_REST_URL: sim.restUrl,
      POLYGON_REQUESTS_PER_MINUTE: '6000', POLYGON_RECONNECT_MAX_MS: '1000', POLYGON_DATA_EXPECTED: 'always',
    }, `test-${run}-gateway`);
    services.push(gateway);
    await waitReady(gateway);
    const polygon = async () => (await httpJson(gateway.port, '/v1/streams')).body.streams.find((s: { provider: string }) => s.provider === 'polygon');
    await waitFor('the gateway to stream', async () => (await polygon())?.acknowledged?.length === symbols.length, 30_000, 50);

    const stored = async () => (await db.query<Record<string, string>>(
      `SELECT symbol, (extract(epoch FROM time) * 1000)::bigint::text AS t, close::text, volume::text, revision::text FROM ${schema}.bars WHERE symbol LIKE $1 ORDER BY symbol, time`, [`${run}%`]).catch(() => ({ rows: [] }))).rows;
    sim.emitNext(LIVE * symbols.length);
    await waitFor('the live minutes stored', async () => (await stored()).length === LIVE * symbols.length, 60_000, 200);

    sim.faults.revise = (ticker, b) => (revised.has(`${ticker}@${b.t}`) ? withLateTrade(b) : undefined);
    sim.dropConnections();
    sim.emitNext(events.length); // missed on the socket: only the backfill brings them
    await waitFor('every minute stored, the revised ones with the REST values', async () => {
      const rows = await stored();
      return rows.length === events.length && rows.filter((r) => Number(r.revision) > 0 && revised.has(`${r.symbol}@${r.t}`)).length === revised.size;
    }, 120_000, 500);

    const rest = new Map(events.map((e) => {
      const key = `${e.sym}@${Number(e.s)}`;
      const bar = { t: Number(e.s), o: Number(e.o), h: Number(e.h), l: Number(e.l), c: Number(e.c), v: Number(e.v) };
      return [key, revised.has(key) ? withLateTrade(bar) : bar];
    }));
    const rows = await stored();
    expect(rows.map((r) => [`${r.symbol}@${r.t}`, r.close, r.volume])).toEqual(rows.map((r) => {
      const b = rest.get(`${r.symbol}@${r.t}`)!;
      return [`${r.symbol}@${r.t}`, b.c.toFixed(8), String(b.v)];
    }));
    expect(rows.find((r) => `${r.symbol}@${r.t}` === sameOverRest)?.revision).toBe('0'); // the same bar over REST: no new version

    const log = (await db.query<Record<string, string>>(
      `SELECT symbol, (extract(epoch FROM time) * 1000)::bigint::text AS t, close::text, volume::text, provider, revision::text, new_revision::text FROM ${schema}.bar_revisions WHERE symbol LIKE $1 ORDER BY symbol, time`, [`${run}%`])).rows;
    const live = new Map(events.map((e) => [`${e.sym}@${Number(e.s)}`, e]));
    expect(log.map((r) => `${r.symbol}@${r.t}`).sort()).toEqual([...revised].sort());
    for (const r of log) {
      const e = live.get(`${r.symbol}@${r.t}`)!;
      expect([r.close, r.volume, r.provider, r.revision]).toEqual([Number(e.c).toFixed(8), String(e.v), 'polygon', '0']);
      expect(Number(r.new_revision)).toBeGreaterThan(0);
    }

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const issues: QualityIssueRecord[] = [];
    await waitFor('one bar_revised issue per replaced minute', async () => {
      issues.length = 0;
      for (const m of await readTopicRange(kafka, TOPICS.qualityIssues, issuesStart)) {
        if (!m.key?.toString().startsWith(run)) continue;
        const issue = await codec.decode<QualityIssueRecord>(TOPICS.qualityIssues, m.value);
        if (issue.type === 'bar_revised') issues.push(issue);
      }
      return issues.length >= revised.size;
    }, 60_000, 500);
    expect(issues.map((i) => `${i.symbol}@${i.windowStart / 1000}`).sort()).toEqual([...revised].sort());
    for (const i of issues) {
      const evidence = JSON.parse(i.evidence);
      const key = `${i.symbol}@${i.windowStart / 1000}`;
      expect(evidence.old).toMatchObject({ provider: 'polygon', revision: 0, close: Number(live.get(key)!.c).toFixed(8) });
      expect(evidence.new).toMatchObject({ provider: 'polygon', close: rest.get(key)!.c.toFixed(8) });
      expect(evidence.new.revision).toBeGreaterThan(0);
    }

    const letters: DeadLetterRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.deadLetter, dlqStart)) letters.push(await codec.decode<DeadLetterRecord>(TOPICS.deadLetter, m.value));
    expect(letters.filter((d) => d.key?.toString().startsWith(run))).toEqual([]);
  });
});
