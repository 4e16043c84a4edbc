import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { RawBar } from '@md/contracts';
import { settledRevision } from '@md/market';
import { expectedDbbBars } from '@md/testing';
import { PolygonSimulator } from '@md/simulators';
import { PolygonAggregatesClient, PolygonRestError, type PolygonAggregatesOptions } from './polygon-aggregates.client';

const KEY = 'pk_rest_0123456789abcdef';
const JULY = { from: Date.UTC(2023, 6, 1) * 1000, to: Date.UTC(2023, 7, 1) * 1000 };
const OPEN_BUDGET = { requests: 10_000, perMs: 1000, burst: 100 };

async function collect(pages: AsyncIterable<RawBar[]>): Promise<{ bars: RawBar[]; pages: number }> {
  const bars: RawBar[] = [];
  let count = 0;
  for await (const page of pages) {
    bars.push(...page);
    count++;
  }
  return { bars, pages: count };
}

describe('Polygon aggregates client', () => {
  let sim: PolygonSimulator;
  const client = (options: Partial<PolygonAggregatesOptions> = {}) =>
    new PolygonAggregatesClient({ baseUrl: sim.restUrl, apiKey: KEY, budget: OPEN_BUDGET, backoff: { initialMs: 5, maxMs: 20 }, ...options });

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    sim = await PolygonSimulator.start({ apiKey: KEY });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await sim.stop();
  });

  it('follows next_url to exactly the file\'s bars for July 2023, through injected 429s', async () => {
    sim.faults.rateLimitEvery = 2;
    const polygon = client({ pageLimit: 400 });
    const { bars, pages } = await collect(polygon.bars(['DBB'], '1m', JULY.from, JULY.to));

    const want = [...expectedDbbBars().values()].filter((b) => b.time >= '2023-07-01' && b.time < '2023-08-01');
    expect(bars.map((b) => ({ time: new Date(b.eventTime / 1000).toISOString(), open: b.open, high: b.high, low: b.low, close: b.close, volume: String(b.volume) }))).toEqual(want);
    expect(bars.every((b) => b.symbol === 'DBB' && b.timeframe === '1m' && b.provider === 'polygon' && b.revision === settledRevision(b.ingestTime))).toBe(true);
    expect([want.length, pages]).toEqual([1322, Math.ceil(1322 / 400)]);
    expect(sim.stats.restRequests[429]).toBeGreaterThan(0);
    expect(polygon.stats.retries).toBe(sim.stats.restRequests[429]);
  });

  it('asks for raw prices over [from, to) with the key in a header only', async () => {
    const seen: string[] = [];
    const fetchSpy = jest.spyOn(global, 'fetch').mockImplementation(async (input, init) => {
      seen.push(String(input), JSON.stringify(init?.headers));
      return new Response(JSON.stringify({ ticker: 'DBB', status: 'OK', adjusted: false, resultsCount: 0 }), { status: 200 });
    });
    await collect(client().bars(['dbb'], '1m', JULY.from, JULY.to));
    expect(seen[0]).toBe(`${sim.restUrl}/v2/aggs/ticker/DBB/range/1/minute/${JULY.from / 1000}/${JULY.to / 1000 - 1}?adjusted=false&sort=asc&limit=50000`);
    expect(seen[1]).toContain(`Bearer ${KEY}`);
    fetchSpy.mockRestore();
  });

  it('fails without retrying on a refused key, and the error does not carry the key', async () => {
    const err = await collect(client({ apiKey: 'pk_wrong_key_000' }).bars(['DBB'], '1m', JULY.from, JULY.to)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolygonRestError);
    expect(err).toMatchObject({ status: 401, retriable: false });
    expect((err as Error).message).toMatch(/HTTP 401: Unknown API Key$/);
    expect((err as Error).message).not.toContain('pk_wrong_key_000');
  });

  it('refuses a next_url that leads to another host, so the key never follows it', async () => {
    const evil = createServer((_req, res) => res.end(JSON.stringify({ ticker: 'DBB', status: 'OK', adjusted: false, next_url: 'http://attacker.example/v2/aggs?cursor=x' })));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    await expect(collect(client({ baseUrl }).bars(['DBB'], '1m', JULY.from, JULY.to))).rejects.toThrow(/next_url leads to http:\/\/attacker.example/);
    await new Promise((resolve) => evil.close(resolve));
  });
});
