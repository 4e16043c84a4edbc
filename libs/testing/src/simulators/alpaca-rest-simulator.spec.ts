import { AlpacaRestSimulator, type AlpacaRestSimulatorOptions } from './alpaca-rest-simulator';

const KEYS = { keyId: 'AKTESTKEY', secretKey: 'sim-secret' };
const AUTH = { 'APCA-API-KEY-ID': KEYS.keyId, 'APCA-API-SECRET-KEY': KEYS.secretKey };
const DAY = { start: '2023-07-10T04:00:00Z', end: '2023-07-11T03:59:59.999999999Z' };
const aaa = ['13:30', '13:31', '13:32'].map((hm, i) => ({ t: `2023-07-10T${hm}:00Z`, o: 1 + i, h: 1 + i, l: 1 + i, c: 1 + i, v: 100 }));

type Body = { bars: Record<string, { t: string }[]>; next_page_token: string | null; message?: string };

describe('Alpaca REST simulator', () => {
  let sim: AlpacaRestSimulator;
  const start = async (options: Partial<AlpacaRestSimulatorOptions> = {}) => (sim = await AlpacaRestSimulator.start({ ...KEYS, ...options }));
  afterEach(() => sim?.stop());

  async function get(path: string, params: Record<string, string>, headers: Record<string, string> = AUTH) {
    const res = await fetch(`${sim.url}${path}?${new URLSearchParams(params)}`, { headers });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Body };
  }

  async function allPages(params: Record<string, string>): Promise<Body[]> {
    const pages: Body[] = [];
    for (let token: string | null = ''; token !== null; ) {
      const { body } = await get('/v2/stocks/bars', token ? { ...params, page_token: token } : params);
      pages.push(body);
      token = body.next_page_token;
    }
    return pages;
  }

  it('serves a day of the real DBB file in pages of `limit`, nothing lost or repeated', async () => {
    await start();
    const pages = await allPages({ symbols: 'DBB', timeframe: '1Min', ...DAY, limit: '10', feed: 'iex', adjustment: 'raw' });
    const times = pages.flatMap((p) => p.bars.DBB.map((b) => b.t));
    expect(pages.length).toBeGreaterThan(2);
    expect(times[0]).toBe('2023-07-10T13:30:00Z');
    expect(new Set(times).size).toBe(times.length);
    expect(times.every((t) => t >= '2023-07-10T04' && t < '2023-07-11T04')).toBe(true);
    expect(pages.at(-1)!.next_page_token).toBeNull();
  });

  it('counts `limit` across symbols, sorted by symbol first, as Alpaca does', async () => {
    await start({ recording: { bars: { AAA: aaa } } });
    const pages = await allPages({ symbols: 'DBB,AAA', timeframe: '1Min', start: '2023-07-10T13:30:00Z', end: '2023-07-10T13:35:00Z', limit: '2' });
    expect(pages.map((p) => Object.fromEntries(Object.entries(p.bars).map(([s, b]) => [s, b.length])))).toEqual([
      { AAA: 2 }, { AAA: 1, DBB: 1 }, { DBB: 1 },
    ]);
  });

  it('treats start and end as inclusive', async () => {
    await start();
    const { body } = await get('/v2/stocks/bars', { symbols: 'DBB', timeframe: '1Min', start: '2023-07-10T13:30:00Z', end: '2023-07-10T13:34:00Z' });
    expect(body.bars.DBB.map((b) => b.t)).toEqual(['2023-07-10T13:30:00Z', '2023-07-10T13:34:00Z']);
  });

  it('answers 401 without keys or with a wrong secret, and 403 for a feed the plan lacks', async () => {
    await start({ feeds: ['iex'] });
    const query = { symbols: 'DBB', timeframe: '1Min', ...DAY };
    expect((await get('/v2/stocks/bars', query, {})).status).toBe(401);
    expect((await get('/v2/stocks/bars', query, { ...AUTH, 'APCA-API-SECRET-KEY': 'nope' })).status).toBe(401);
    const sip = await get('/v2/stocks/bars', { ...query, feed: 'sip' });
    expect(sip).toMatchObject({ status: 403, body: { message: 'subscription does not permit querying sip data' } });
  });

  it('answers 400 naming a bad parameter', async () => {
    await start();
    const { status, body } = await get('/v2/stocks/bars', { symbols: 'DBB', timeframe: '1Min', ...DAY, limit: '10001' });
    expect(status).toBe(400);
    expect(body.message).toBe('invalid limit: must be between 1 and 10000');
  });

  it('injects 429 with Retry-After and 500 every Nth request, and counts them', async () => {
    await start({ faults: { rateLimitEvery: 3, serverErrorEvery: 4, retryAfterSeconds: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await get('/v2/stocks/trades', { symbols: 'DBB', ...DAY });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).toBe('2');
    }
    expect(statuses).toEqual([200, 200, 429, 500, 200, 429]);
    expect(sim.countByStatus()).toEqual({ 200: 3, 429: 2, 500: 1 });
  });

  it('refuses everything during a rate-limit burst, then serves again', async () => {
    await start();
    sim.startRateLimitBurst(1_500);
    const limited = await get('/v2/stocks/quotes', { symbols: 'DBB', ...DAY });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('200');
    sim.startRateLimitBurst(0);
    expect((await get('/v2/stocks/quotes', { symbols: 'DBB', ...DAY })).body).toEqual({ quotes: {}, next_page_token: null });
  });

  it('enforces the plan limit in fixed windows with X-RateLimit headers', async () => {
    await start({ rateLimit: { requests: 3, windowMs: 60_000, enforce: true } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get('/v2/stocks/bars', { symbols: 'DBB', timeframe: '1Min', ...DAY, limit: '1' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(Number(answers[3].headers.get('x-ratelimit-reset')) * 1000).toBeGreaterThan(Date.now());
  });

  it('answers slowly when asked to', async () => {
    await start({ faults: { delayMs: 300 } });
    const began = Date.now();
    await get('/v2/stocks/bars', { symbols: 'DBB', timeframe: '1Min', ...DAY, limit: '1' });
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
  });
});
