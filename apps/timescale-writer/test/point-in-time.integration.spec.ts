import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { TOPICS } from '@md/contracts';
import { RESAMPLE_TIMEFRAMES, SessionResampler, type FeatureBar, type ResampleTimeframe } from '@md/features';
import { DBB_MINUTE_FILE, VIX_2015_FILE, fixturePath } from '@md/fixtures';
import { parseTimestamp } from '@md/market';
import {
  exitCode, finishSliceRun, httpJson, prepareSliceRun, startService, stopService, waitCaughtUp, waitFor, waitReady, type RunningService, type SliceRun,
} from '@md/testing';

// Integration: the whole DBB file through gateway -> preprocessor -> feature-engine and
// quality-monitor -> writer, and the real VIX closes of August 2015 through the
// alt-data-aggregator, on the real stack (writer on plain PostgreSQL, a schema of its own).
// Point in time: an as-of read never returns a row known after asOf, and returns every stored
// row known by then; coarse bars from the read API are the feature engine's session-aligned bars.

const iso = (us: number) => new Date(us / 1000).toISOString();

/** One bar per distinct minute of the file, the first kept (as the writer's revision rule keeps it), oldest first. */
function fileBars(): FeatureBar[] {
  const bars = new Map<number, FeatureBar>();
  for (const line of readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split(/\r?\n/).slice(1)) {
    const [ts, open, high, low, close, volume] = line.split(',');
    const eventTime = parseTimestamp(ts, 'UTC');
    if (!bars.has(eventTime)) bars.set(eventTime, { eventTime, open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) });
  }
  return [...bars.values()].sort((a, b) => a.eventTime - b.eventTime);
}

/** The resampler's bars of the whole file (every bucket, the last one flushed). */
function resampled(tf: ResampleTimeframe, bars: readonly FeatureBar[]) {
  const r = SessionResampler.create(tf);
  return [...bars.flatMap((b) => r.update(b)), ...r.flush(Number.MAX_SAFE_INTEGER)];
}

describe('point in time and session-aligned bars (integration)', () => {
  let slice: SliceRun;
  let writer: RunningService;
  const services: RunningService[] = [];
  const bars = fileBars();

  beforeAll(async () => {
    slice = await prepareSliceRun('P');
    const start = (name: Parameters<typeof startService>[0], env: Record<string, string>) => startService(name, env, `test-${slice.run}-${name}`);
    writer = await start('timescale-writer', { ...slice.writerEnv, MAX_QUERY_ROWS: '10000' });
    services.push(writer, await start('preprocessor', slice.preprocessorEnv), await start('quality-monitor', slice.qualityEnv), await start('feature-engine', slice.featureEnv));
    await Promise.all(services.map((s) => waitReady(s)));
    const alt = await start('alt-data-aggregator', { VIX_FILE: fixturePath(VIX_2015_FILE), VIX_SYMBOL: slice.run });
    services.push(alt);
    const gateway = await start('feed-gateway', { REPLAY_FILE: fixturePath(DBB_MINUTE_FILE), REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' });
    expect(await exitCode(gateway)).toBe(0);
    // Each stage has taken everything upstream of it, in pipeline order.
    const { kafka, preprocessorEnv: p, qualityEnv: q, featureEnv: f, writerEnv: w } = slice;
    await waitCaughtUp(kafka, p.GROUP_ID, [TOPICS.rawBars]);
    await waitCaughtUp(kafka, f.GROUP_ID, [TOPICS.bars]);
    await waitCaughtUp(kafka, q.GROUP_ID, [TOPICS.rawBars, TOPICS.bars]);
    await waitCaughtUp(kafka, w.GROUP_ID, [TOPICS.bars]);
    await waitCaughtUp(kafka, w.EVENTS_GROUP_ID, [TOPICS.qualityIssues]);
    await waitFor('the 29 VIX closes to be published', async () => (await slice.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${slice.schema}.altdata_signals WHERE symbol = $1`, [slice.run])).rows[0].n === '29', 60_000, 250);
    await waitCaughtUp(kafka, w.DERIVED_GROUP_ID, [TOPICS.features, TOPICS.vixRegime]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  const get = async (path: string) => {
    const { status, body } = await httpJson(writer.port, path);
    if (status !== 200) throw new Error(`GET ${path}: ${status} ${JSON.stringify(body)}`);
    return body;
  };
  const barsOf = async (tf: string, from: string, to: string, extra = '') => (await get(`/v1/bars?symbol=${slice.run}&timeframe=${tf}&from=${from}&to=${to}&limit=10000${extra}`)).bars;

  it.each(RESAMPLE_TIMEFRAMES)('serves %s bars equal to the feature engine\'s resampler on the DBB file, early closes included', async (tf) => {
    // 5m and 15m over the summer of 2024 (the 3 July early close; the API's row cap is 10,000); 1h and 1d over the whole file.
    const [from, to] = tf === '5m' || tf === '15m' ? ['2024-06-01T00:00:00Z', '2024-08-01T00:00:00Z'] : ['2023-07-01T00:00:00Z', '2025-08-01T00:00:00Z'];
    const expected = resampled(tf, bars).filter((b) => b.eventTime >= Date.parse(from) * 1000 && b.eventTime < Date.parse(to) * 1000)
      .map((b) => ({ time: iso(b.eventTime), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume }));
    const served = (await barsOf(tf, from, to)).map((b: any) => ({ time: b.time, open: Number(b.open), high: Number(b.high), low: Number(b.low), close: Number(b.close), volume: Number(b.volume) }));
    expect(served.length).toBeGreaterThan(0);
    expect(served).toEqual(expected);
  });

  it('ends the bars of an early-close day at 13:00 New York, and labels a day by its 09:30 open', async () => {
    const day = await barsOf('1d', '2024-07-03T00:00:00Z', '2024-07-04T00:00:00Z');
    expect(day.map((b: any) => [b.time, b.availableTime])).toEqual([['2024-07-03T13:30:00.000Z', '2024-07-03T17:00:00.000Z']]);
    const hours = await barsOf('1h', '2024-07-03T00:00:00Z', '2024-07-04T00:00:00Z');
    expect(hours.at(-1)).toMatchObject({ time: '2024-07-03T16:30:00.000Z', availableTime: '2024-07-03T17:00:00.000Z' });
    // The engine stamped the features of that last bucket with the same end.
    const vectors = (await get(`/v1/features?symbol=${slice.run}&timeframe=1h&from=2024-07-03T16:30:00Z&to=2024-07-03T17:00:00Z`)).vectors;
    expect(vectors.map((v: any) => v.availableTime)).toEqual(['2024-07-03T17:00:00.000Z']);
  });

  // asOf somewhere in the data (or just outside it), a window of a few days around it.
  const asOfCase = fc.record({
    asOf: fc.integer({ min: Date.UTC(2023, 6, 9), max: Date.UTC(2025, 6, 10) }),
    daysBefore: fc.integer({ min: 0, max: 6 }),
    daysAfter: fc.integer({ min: 0, max: 3 }),
    tf: fc.constantFrom('1m', '5m', '15m', '1h', '1d'),
  });
  const windowOf = (c: { asOf: number; daysBefore: number; daysAfter: number }) =>
    [new Date(c.asOf - (c.daysBefore + 1) * 86_400_000).toISOString(), new Date(c.asOf + c.daysAfter * 86_400_000 + 1).toISOString(), new Date(c.asOf).toISOString()];

  /** Asked as of T, the answer is exactly the rows of the plain answer whose availableTime <= T. */
  const asOfHolds = async (path: (from: string, to: string) => string, rowsOf: (body: any) => any[], asOf: string, from: string, to: string) => {
    const all = rowsOf(await get(path(from, to)));
    const known = rowsOf(await get(`${path(from, to)}&asOf=${asOf}`));
    for (const row of [...all, ...known]) expect(row.availableTime >= (row.time ?? row.windowStart)).toBe(true);
    expect(known.every((r) => r.availableTime <= asOf)).toBe(true);
    expect(known).toEqual(all.filter((r) => r.availableTime <= asOf));
  };

  it('never returns a feature vector or a bar known after asOf, and returns every one known by then', async () => {
    await fc.assert(fc.asyncProperty(asOfCase, async (c) => {
      const [from, to, asOf] = windowOf(c);
      await asOfHolds((f, t) => `/v1/features?symbol=${slice.run}&timeframe=${c.tf}&from=${f}&to=${t}&limit=10000`, (b) => b.vectors, asOf, from, to);
      await asOfHolds((f, t) => `/v1/bars?symbol=${slice.run}&timeframe=${c.tf}&from=${f}&to=${t}&limit=10000`, (b) => b.bars, asOf, from, to);
    }), { numRuns: 40 });
  });

  it('never returns a quality issue or an alternative-data signal known after asOf, and returns every one known by then', async () => {
    const vix = fc.integer({ min: Date.UTC(2015, 7, 1), max: Date.UTC(2015, 8, 14) }).map((asOf) => ({ asOf, daysBefore: 10, daysAfter: 10 }));
    await fc.assert(fc.asyncProperty(asOfCase, vix, async (c, v) => {
      const [from, to, asOf] = windowOf(c);
      await asOfHolds((f, t) => `/v1/quality/issues?symbols=${slice.run}&from=${f}&to=${t}&limit=10000`, (b) => b.issues, asOf, from, to);
      const [vFrom, vTo, vAsOf] = windowOf(v);
      await asOfHolds((f, t) => `/v1/altdata/signals?symbol=${slice.run}&signal=vix_regime&from=${f}&to=${t}&limit=10000`, (b) => b.signals, vAsOf, vFrom, vTo);
    }), { numRuns: 40 });
    // The property saw rows to filter: the stores are not empty.
    expect((await get(`/v1/quality/issues?symbols=${slice.run}&from=2023-07-01T00:00:00Z&to=2025-08-01T00:00:00Z&limit=10`)).count).toBe(10);
    expect((await get(`/v1/altdata/signals?symbol=${slice.run}&from=2015-08-01T00:00:00Z&to=2015-10-01T00:00:00Z&limit=100`)).count).toBe(29);
  });

  it('refuses a zoneless asOf with a 400 naming it', async () => {
    const { status, body } = await httpJson(writer.port, `/v1/features?symbol=${slice.run}&from=2024-07-01T00:00:00Z&to=2024-07-02T00:00:00Z&asOf=2024-07-01 12:00`);
    expect(status).toBe(400);
    expect(body.message).toMatch(/query parameter asOf: must be ISO-8601 with a zone/);
  });
});
