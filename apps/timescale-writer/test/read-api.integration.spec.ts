import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCode, finishSliceRun, httpJson, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Integration: the writer's read API over bars stored through the real slice (PostgreSQL fallback).
const ROWS = 600;

describe('read API (integration)', () => {
  let slice: SliceRun;
  let writer: RunningService;
  const services: RunningService[] = [];
  let lines: string[];

  beforeAll(async () => {
    slice = await prepareSliceRun('A');
    lines = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split('\n').slice(0, ROWS + 1);
    const file = join(mkdtempSync(join(tmpdir(), 'md-api-')), 'bars.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor`);
    writer = await startService('timescale-writer', { ...slice.writerEnv, MAINTENANCE_INTERVAL_SECONDS: '1', MAX_QUERY_ROWS: '1000' }, `test-${slice.run}-writer`);
    services.push(prep, writer);
    await Promise.all([waitReady(prep), waitReady(writer)]);
    const gateway = await startService('feed-gateway', { REPLAY_FILE: file, REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }, `test-${slice.run}-gateway`);
    expect(await exitCode(gateway)).toBe(0);
    await waitFor('the writer to store the sample', async () => (await metricValue(writer.port, 'md_records_out_total')) >= ROWS, 60_000, 200);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  const get = (path: string) => httpJson(writer.port, path);

  it('returns 1-minute bars of a range, oldest first, exactly as the file has them', async () => {
    const { status, body } = await get(`/v1/bars?symbol=${slice.run}&timeframe=1m&from=2023-07-10T00:00:00Z&to=2023-07-11T00:00:00Z&limit=1000`);
    expect(status).toBe(200);
    const fileDay = lines.slice(1).filter((l) => l.startsWith('2023-07-10'));
    expect(body.count).toBe(fileDay.length);
    expect(body.bars[0]).toMatchObject({ time: '2023-07-10T13:30:00.000Z', open: '17.90000000', high: '17.91000000', low: '17.90000000', close: '17.91000000', volume: '3057' });
  });

  it('says when the limit truncated the answer', async () => {
    const { body } = await get(`/v1/bars?symbol=${slice.run}&from=2023-07-10T00:00:00Z&to=2023-07-12T00:00:00Z&limit=5`);
    expect(body).toMatchObject({ count: 5, truncated: true });
  });

  it('serves 5-minute bars equal to the 1-minute rows aggregated', async () => {
    const from = '2023-07-10T13:30:00Z';
    const to = '2023-07-10T14:30:00Z';
    const five = await waitFor('the 5-minute view to be refreshed', async () => {
      const r = await get(`/v1/bars?symbol=${slice.run}&timeframe=5m&from=${from}&to=${to}&limit=100`);
      return r.body.count > 0 ? r.body : undefined;
    }, 30_000, 250);
    const minutes = (await get(`/v1/bars?symbol=${slice.run}&timeframe=1m&from=${from}&to=${to}&limit=100`)).body.bars;
    const first = minutes.filter((m: any) => m.time < '2023-07-10T13:35:00.000Z');
    expect(five.bars[0]).toMatchObject({
      time: '2023-07-10T13:30:00.000Z',
      open: first[0].open,
      close: first[first.length - 1].close,
      volume: String(first.reduce((s: number, m: any) => s + Number(m.volume), 0)),
    });
  });

  it('returns the latest bar per symbol', async () => {
    const { body } = await get(`/v1/bars/latest?symbols=${slice.run}`);
    const last = lines[lines.length - 1].split(',');
    expect(body.bars).toEqual([expect.objectContaining({ symbol: slice.run, time: new Date(`${last[0].replace(' ', 'T')}Z`).toISOString() })]);
  });

  it('rejects a missing limit, an oversized limit, a bad symbol and a zoneless time with a clear 400', async () => {
    const cases: Array<[string, RegExp]> = [
      [`/v1/bars?symbol=${slice.run}&from=2023-07-10T00:00:00Z&to=2023-07-11T00:00:00Z`, /query parameter limit/],
      [`/v1/bars?symbol=${slice.run}&from=2023-07-10T00:00:00Z&to=2023-07-11T00:00:00Z&limit=5000`, /query parameter limit/],
      [`/v1/bars?symbol=${encodeURIComponent("DBB'; DROP TABLE bars;--")}&from=2023-07-10T00:00:00Z&to=2023-07-11T00:00:00Z&limit=5`, /query parameter symbol: must be an upper-case ticker/],
      [`/v1/bars?symbol=${slice.run}&from=2023-07-10 00:00:00&to=2023-07-11T00:00:00Z&limit=5`, /query parameter from: must be ISO-8601 with a zone/],
      [`/v1/options/chain?underlying=AAPL&expiry=2024-8-2`, /query parameter expiry/],
    ];
    for (const [path, message] of cases) {
      const { status, body } = await get(path);
      expect(status).toBe(400);
      expect(body.message).toMatch(message);
    }
  });

  it('fills a regular day to 390 one-minute slots, each fill marked and carrying the last close', async () => {
    const range = `symbol=${slice.run}&timeframe=1m&from=2023-07-10T13:30:00Z&to=2023-07-10T20:00:00Z&limit=1000`;
    const stored = (await get(`/v1/bars?${range}`)).body;
    const { status, body } = await get(`/v1/bars?${range}&fill=ffill&sessions=regular`);
    expect(status).toBe(200);
    expect(stored.bars.every((b: any) => b.fill === 'none')).toBe(true);
    expect(body).toMatchObject({ fill: 'ffill', sessions: 'regular', count: 390 });
    expect(body.bars.filter((b: any) => b.fill === 'none')).toEqual(stored.bars);
    body.bars.forEach((b: any, i: number) => {
      if (b.fill === 'none') return;
      const close = body.bars[i - 1].close;
      expect(b).toMatchObject({ fill: 'ffill', open: close, high: close, low: close, close, volume: '0', vwap: null });
    });
  });

  it('interpolates the closes of a gap exactly, also on a page that starts inside the gap', async () => {
    const page = async (from: string, to: string) =>
      (await get(`/v1/bars?symbol=${slice.run}&from=${from}&to=${to}&limit=10&fill=interpolate`)).body.bars.map((b: any) => [b.time.slice(11, 16), b.close, b.fill]);
    // The file has 13:30 close 17.91 and 13:34 close 17.921 and nothing between.
    expect(await page('2023-07-10T13:30:00Z', '2023-07-10T13:35:00Z')).toEqual([
      ['13:30', '17.91000000', 'none'], ['13:31', '17.91275000', 'interpolated'], ['13:32', '17.91550000', 'interpolated'],
      ['13:33', '17.91825000', 'interpolated'], ['13:34', '17.92100000', 'none'],
    ]);
    expect(await page('2023-07-10T13:32:00Z', '2023-07-10T13:34:00Z')).toEqual([['13:32', '17.91550000', 'interpolated'], ['13:33', '17.91825000', 'interpolated']]);
  });

  it('counts fills against the limit', async () => {
    const { body } = await get(`/v1/bars?symbol=${slice.run}&from=2023-07-10T13:30:00Z&to=2023-07-10T14:00:00Z&limit=3&fill=ffill`);
    expect(body).toMatchObject({ count: 3, truncated: true });
    expect(body.bars.map((b: any) => b.fill)).toEqual(['none', 'ffill', 'ffill']);
  });

  it('rejects an unknown fill policy or session scope with a clear 400', async () => {
    const range = `symbol=${slice.run}&from=2023-07-10T00:00:00Z&to=2023-07-11T00:00:00Z&limit=5`;
    for (const [param, message] of [['fill=bfill', /query parameter fill: .*'none' \| 'ffill' \| 'interpolate'/], ['sessions=overnight', /query parameter sessions/]] as const) {
      const { status, body } = await get(`/v1/bars?${range}&${param}`);
      expect(status).toBe(400);
      expect(body.message).toMatch(message);
    }
  });

  it('answers option-chain and corporate-action queries (empty until their feeds exist)', async () => {
    expect((await get('/v1/options/chain?underlying=AAPL&expiry=2024-08-02')).body).toEqual({ underlying: 'AAPL', expiry: '2024-08-02', contracts: [] });
    expect((await get('/v1/corporate-actions?symbol=AAPL')).body).toEqual({ symbol: 'AAPL', actions: [] });
  });
});
