import { AlpacaRestSimulator, type AlpacaRestSimulatorOptions } from '@md/simulators';
import type { Rejected } from '@md/ingest';
import { AlpacaRestClient, type AlpacaRestClientOptions } from './alpaca-rest.client';
import { redact } from './alpaca-rest.errors';
import { inclusiveEnd } from './alpaca-rest.query';

const KEYS = { keyId: 'AKCLIENTTEST', secretKey: 'client-secret-value' };
const FAST = { requests: 1_000, perMs: 1_000, burst: 100 };
const us = (iso: string) => Date.parse(iso) * 1000;
const DAY = { fromUs: us('2023-07-10T04:00:00Z'), toUs: us('2023-07-11T04:00:00Z') };
const bar = (t: string, price = 10) => ({ t, o: price, h: price, l: price, c: price, v: 100 });

describe('Alpaca REST client', () => {
  let sim: AlpacaRestSimulator;
  afterEach(() => sim?.stop());

  async function setUp(simOptions: Partial<AlpacaRestSimulatorOptions> = {}, clientOptions: Partial<AlpacaRestClientOptions> = {}) {
    sim = await AlpacaRestSimulator.start({ ...KEYS, ...simOptions });
    return new AlpacaRestClient({ ...KEYS, baseUrl: sim.url, feed: 'iex', budget: FAST, backoff: { initialMs: 20, maxMs: 100 }, ...clientOptions });
  }

  async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
    const all: T[] = [];
    for await (const page of pages) all.push(...page);
    return all;
  }

  it('ends a [from, to) window at the last nanosecond before `to`', () => {
    expect(inclusiveEnd(DAY.toUs)).toBe('2023-07-11T03:59:59.999999999Z');
  });

  it('follows next_page_token through a day of DBB, asking for raw bars', async () => {
    const client = await setUp({}, { pageLimit: 25 });
    const bars = await collect(client.bars(['DBB'], '1m', DAY.fromUs, DAY.toUs));
    expect(bars.length).toBeGreaterThan(50);
    expect(client.stats.pages).toBe(Math.ceil(bars.length / 25));
    expect(bars[0]).toMatchObject({ symbol: 'DBB', provider: 'alpaca', eventTime: us('2023-07-10T13:30:00Z'), open: '17.90000000', volume: 3057 });
    expect(sim.log.every((r) => r.params.adjustment === 'raw' && r.params.feed === 'iex' && r.params.sort === 'asc')).toBe(true);
  });

  it('pages across symbols when the limit counts them together', async () => {
    const client = await setUp({ includeDbb: false, recording: { bars: { AAA: ['13:30', '13:31', '13:32'].map((m) => bar(`2023-07-10T${m}:00Z`)), BBB: [bar('2023-07-10T13:30:00Z')] } } }, { pageLimit: 2 });
    const bars = await collect(client.bars(['bbb', 'AAA'], '1m', DAY.fromUs, DAY.toUs));
    expect(bars.map((b) => `${b.symbol} ${new Date(b.eventTime / 1000).toISOString().slice(11, 16)}`)).toEqual(['AAA 13:30', 'AAA 13:31', 'AAA 13:32', 'BBB 13:30']);
    expect(client.stats.pages).toBe(2);
  });

  it('maps trades and quotes', async () => {
    const trade = { t: '2023-07-10T13:30:00.123456789Z', i: 7, x: 'V', p: 17.9, s: 100, c: ['@'], z: 'B' };
    const quote = { t: '2023-07-10T13:30:00Z', bx: 'V', bp: 17.89, bs: 2, ax: 'V', ap: 17.91, as: 3, c: ['R'], z: 'B' };
    const client = await setUp({ recording: { trades: { DBB: [trade] }, quotes: { DBB: [quote] } } });
    expect(await collect(client.trades(['DBB'], DAY.fromUs, DAY.toUs))).toMatchObject([{ tradeId: '7', price: '17.90000000', eventTime: us('2023-07-10T13:30:00Z') + 123_456 }]);
    expect(await collect(client.quotes(['DBB'], DAY.fromUs, DAY.toUs))).toMatchObject([{ bidPrice: '17.89000000', askSize: 3 }]);
  });

  it('fails a bad key with a clear, non-retriable error that does not carry the secret', async () => {
    const client = await setUp({}, { secretKey: 'wrong-secret-value' });
    const error = (await collect(client.bars(['DBB'], '1m', DAY.fromUs, DAY.toUs)).catch((e: unknown) => e)) as Error & { status: number; retriable: boolean };
    expect(error).toMatchObject({ status: 401, retriable: false });
    expect(error.message).toMatch(/^Alpaca answered 401 to GET \/v2\/stocks\/bars\?.*: request is not authorized \(check ALPACA_KEY_ID \/ ALPACA_SECRET_KEY.*key AKCL…\)$/);
    expect(error.message).not.toContain('wrong-secret-value');
    expect(error.message).not.toContain(KEYS.keyId);
    expect(client.stats.requests).toBe(1);
  });

  it('redacts a secret wherever it appears', () => {
    expect(redact('echo: client-secret-value!', [KEYS.secretKey])).toBe('echo: ***!');
  });

  it('waits out a 429 as Retry-After says, and counts it', async () => {
    const client = await setUp({ faults: { rateLimitEvery: 2, retryAfterSeconds: 1 } }, { pageLimit: 50 });
    const began = Date.now();
    const bars = await collect(client.bars(['DBB'], '1m', DAY.fromUs, DAY.toUs));
    const gaps = sim.log.slice(1).map((r, i) => r.atMs - sim.log[i].atMs);
    expect(bars.length).toBeGreaterThan(50);
    expect(client.stats.rateLimited).toBe(sim.countByStatus()[429]);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(990);
    expect(Date.now() - began).toBeGreaterThanOrEqual(990);
  });

  it('waits for X-RateLimit-Reset when a 429 has no Retry-After', async () => {
    const client = await setUp({ faults: { rateLimitEvery: 1_000_000, retryHint: 'reset' } });
    sim.faults.rateLimitEvery = 1;
    setTimeout(() => (sim.faults.rateLimitEvery = undefined), 50);
    await collect(client.bars(['DBB'], '1m', DAY.fromUs, DAY.toUs));
    expect(client.stats.rateLimited).toBe(1);
    expect(sim.log[1].atMs - sim.log[0].atMs).toBeGreaterThanOrEqual(900);
  });

  it('backs off with jitter when a 429 names no time, and gives up after too many', async () => {
    const client = await setUp({ faults: { rateLimitEvery: 1, retryHint: 'none' } }, { maxRateLimited: 3 });
    await expect(collect(client.bars(['DBB'], '1m', DAY.fromUs, DAY.toUs))).rejects.toMatchObject({ status: 429, retriable: true });
    expect(sim.countByStatus()).toEqual({ 429: 4 });
  });

  it('pauses until the reset once X-RateLimit-Remaining reaches 0, so the plan limit is never hit', async () => {
    const client = await setUp({ rateLimit: { requests: 2, windowMs: 1_000, enforce: true } }, { pageLimit: 20 });
    await collect(client.bars(['DBB'], '1m', DAY.fromUs, DAY.toUs));
    expect(sim.log.length).toBeGreaterThanOrEqual(3);
    expect(sim.countByStatus()[429]).toBeUndefined();
  });

  it('retries 5xx with capped backoff, then gives up with a retriable error', async () => {
    const client = await setUp({ faults: { serverErrorEvery: 2 } }, { pageLimit: 40 });
    await collect(client.bars(['DBB'], '1m', DAY.fromUs, DAY.toUs));
    expect(client.stats.serverErrors).toBe(sim.countByStatus()[500]);
    sim.faults.serverErrorEvery = 1;
    await expect(collect(client.bars(['DBB'], '1m', DAY.fromUs, DAY.toUs))).rejects.toMatchObject({ retriable: true, message: expect.stringMatching(/failed 6 times, last: HTTP 500$/) });
  });

  it('times out a slow answer and retries it', async () => {
    const client = await setUp({ faults: { delayMs: 400 } }, { timeoutMs: 100, maxRetries: 1 });
    await expect(collect(client.bars(['DBB'], '1m', DAY.fromUs, DAY.toUs))).rejects.toThrow(/failed 2 times, last: no answer within 100 ms$/);
    expect(client.stats.networkErrors).toBe(2);
  });

  it('rejects a malformed item with its reason, never dropping it', async () => {
    const bad = { ...bar('2023-07-10T13:31:00Z'), o: 'NaN' };
    const recording = { bars: { BAD: [bar('2023-07-10T13:30:00Z'), bad] } };
    const rejected: Rejected[] = [];
    const client = await setUp({ recording }, { onRejected: async (r) => void rejected.push(r) });
    expect(await collect(client.bars(['BAD'], '1m', DAY.fromUs, DAY.toUs))).toHaveLength(1);
    expect(rejected).toEqual([{ payload: JSON.stringify({ symbol: 'BAD', index: 1, item: bad, reason: 'o: Expected number, received string' }), reason: 'o: Expected number, received string', source: expect.stringMatching(/^alpaca-rest GET \/v2\/stocks\/bars\?symbols=BAD&/) }]);
    const strict = new AlpacaRestClient({ ...KEYS, baseUrl: sim.url, feed: 'iex', budget: FAST });
    await expect(collect(strict.bars(['BAD'], '1m', DAY.fromUs, DAY.toUs))).rejects.toThrow(/o: Expected number, received string \(no onRejected/);
  });

  it('stops waiting when its signal aborts', async () => {
    const client = await setUp({ faults: { rateLimitEvery: 1, retryAfterSeconds: 30 } });
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('stopped by test')), 100);
    const pages = client.barPages({ symbols: ['DBB'], timeframe: '1m', ...DAY }, abort.signal);
    await expect(pages.next()).rejects.toThrow('stopped by test');
  });
});
