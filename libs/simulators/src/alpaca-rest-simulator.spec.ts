import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Alpaca } from '@alpacahq/alpaca-trade-api';
import { parseCorporateActionsCsv } from '@md/market';
import { AlpacaRestSimulator, type AlpacaRestSimulatorOptions } from './alpaca-rest-simulator';
import { alpacaCorporateActionsRecording } from './alpaca-rest-corporate-actions';
import { AAPL_ACTIONS_FILE, OPTIONS_CHAIN_FILE, fixturePath, fixturesDir } from '@md/fixtures';

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

// AAPL's real splits and dividends 1998-2020 (fixtures/corporate-actions, checked against LEAN's factor file).
const AAPL_ACTIONS = parseCorporateActionsCsv(readFileSync(fixturePath(AAPL_ACTIONS_FILE), 'utf8'), 'apple-ir').map((a) => ({
  symbol: a.symbol, exDate: a.exDate, kind: a.kind === 'split' ? ('SPLIT' as const) : ('CASH_DIVIDEND' as const),
  ratioTo: a.ratio?.to ?? null, ratioFrom: a.ratio?.from ?? null, amount: a.amount ?? null,
}));
const AAPL_FILE_ROWS = readFileSync(join(fixturesDir(), OPTIONS_CHAIN_FILE), 'utf8').split('\n').filter((line) => /^\d+,AAPL\d/.test(line));

type ChainBody = { snapshots: Record<string, { latestQuote?: { t: string; bp: number; ap: number }; latestTrade?: { t: string; p: number }; impliedVolatility?: number }>; next_page_token: string | null };
type ActionsBody = { corporate_actions: Record<string, { symbol: string; ex_date: string; new_rate?: number; old_rate?: number; rate?: number }[]>; next_page_token: string | null };

describe('Alpaca REST simulator: option chains and corporate actions', () => {
  let sim: AlpacaRestSimulator;
  const start = async (options: Partial<AlpacaRestSimulatorOptions> = {}) => (sim = await AlpacaRestSimulator.start({ ...KEYS, corporateActions: alpacaCorporateActionsRecording(AAPL_ACTIONS, { AAPL: '037833100' }), ...options }));
  afterEach(() => sim?.stop());

  async function get<T>(path: string, params: Record<string, string>, headers: Record<string, string> = AUTH): Promise<{ status: number; body: T }> {
    const res = await fetch(`${sim.url}${path}?${new URLSearchParams(params)}`, { headers });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function allPages<T extends { next_page_token: string | null }>(path: string, params: Record<string, string>): Promise<T[]> {
    const pages: T[] = [];
    for (let token: string | null = ''; token !== null; ) {
      const { status, body }: { status: number; body: T } = await get<T>(path, token ? { ...params, page_token: token } : params);
      expect(status).toBe(200);
      pages.push(body);
      token = body.next_page_token;
    }
    return pages;
  }

  it("serves the real AAPL chain of the snapshot file in OCC order, in pages of `limit`, nothing lost or repeated", async () => {
    await start();
    const pages = await allPages<ChainBody>('/v1beta1/options/snapshots/AAPL', { feed: 'indicative', limit: '30' });
    const symbols = pages.flatMap((p) => Object.keys(p.snapshots));
    expect(pages.map((p) => Object.keys(p.snapshots).length)).toEqual([30, 30, 30, AAPL_FILE_ROWS.length - 90]);
    expect(symbols).toEqual([...new Set(symbols)].sort());
    expect(symbols.length).toBe(AAPL_FILE_ROWS.length);
    // File row: AAPL240802C00100000,2024-07-29 16:08:35+00:00,100.0,118.68,120.75,122.55,...,4.363285795898436
    expect(pages[0].snapshots.AAPL240802C00100000).toEqual({
      latestQuote: { t: expect.stringMatching(/^2024-07-\d\dT\d\d:\d\d:\d\d\.000000Z$/), bp: 120.75, ap: 122.55 },
      latestTrade: { t: '2024-07-29T16:08:35.000000Z', p: 118.68 }, impliedVolatility: 4.363285795898436,
    });
  });

  it('filters a chain by type and expiration, and answers an unknown underlying with an empty chain', async () => {
    await start();
    const { body } = await get<ChainBody>('/v1beta1/options/snapshots/AAPL', { type: 'put', expiration_date_lte: '2024-08-09', limit: '1000' });
    const symbols = Object.keys(body.snapshots);
    expect(symbols.length).toBeGreaterThan(0);
    expect(symbols.every((s) => s[10] === 'P' && s.slice(4, 10) <= '240809')).toBe(true);
    expect((await get<ChainBody>('/v1beta1/options/snapshots/NOSUCH', {})).body).toEqual({ snapshots: {}, next_page_token: null });
  });

  it('refuses a bad option feed, a feed the plan lacks and a token of another query', async () => {
    await start({ optionFeeds: ['indicative'] });
    expect(await get('/v1beta1/options/snapshots/AAPL', { feed: 'sip' })).toEqual({ status: 400, body: { message: 'invalid feed: sip' } });
    expect(await get('/v1beta1/options/snapshots/AAPL', { feed: 'opra' })).toEqual({ status: 403, body: { message: 'subscription does not permit querying opra data' } });
    const { body } = await get<ChainBody>('/v1beta1/options/snapshots/AAPL', { feed: 'indicative', limit: '5' });
    expect((await get('/v1beta1/options/snapshots/MSFT', { feed: 'indicative', page_token: body.next_page_token! })).status).toBe(400);
  });

  it("serves AAPL's real corporate actions by process date, in pages, grouped as Alpaca groups them", async () => {
    await start();
    const pages = await allPages<ActionsBody>('/v1/corporate-actions', { symbols: 'AAPL', start: '1998-01-01', end: '2020-12-31', limit: '4' });
    const listed = pages.flatMap((p) => Object.values(p.corporate_actions).flat());
    expect(listed.length).toBe(AAPL_ACTIONS.length);
    expect(pages.flatMap((p) => p.corporate_actions.forward_splits ?? []).map((a) => [a.ex_date, a.new_rate, a.old_rate])).toEqual([
      ['2000-06-21', 2, 1], ['2005-02-28', 2, 1], ['2014-06-09', 7, 1], ['2020-08-31', 4, 1],
    ]);
    const only2014 = await get<ActionsBody>('/v1/corporate-actions', { symbols: 'AAPL', types: 'cash_dividend', start: '2014-01-01', end: '2014-12-31' });
    expect(only2014.body.corporate_actions.cash_dividends.map((a) => [a.ex_date, a.rate])).toEqual([['2014-02-06', 3.05], ['2014-05-08', 3.29], ['2014-08-07', 0.47], ['2014-11-06', 0.47]]);
    expect(Object.keys(only2014.body.corporate_actions)).toEqual(['cash_dividends']);
    expect((await get('/v1/corporate-actions', { symbols: 'AAPL', types: 'split' })).body).toEqual({ message: 'invalid types: split' });
  });

  it('checks the keys and injects 429s and 500s on the new routes as on bars', async () => {
    await start({ faults: { rateLimitEvery: 2, serverErrorEvery: 3 } });
    expect((await get('/v1/corporate-actions', {}, {})).status).toBe(401);
    expect((await get('/v1beta1/options/snapshots/AAPL', {}, { ...AUTH, 'APCA-API-SECRET-KEY': 'nope' })).status).toBe(401);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/v1beta1/options/snapshots/AAPL', {})).status, (await get('/v1/corporate-actions', {})).status);
    expect(statuses).toEqual([200, 429, 500, 429, 200, 429]);
  });

  it('is spoken by the official client (@alpacahq/alpaca-trade-api v4: optionChain, corporateActions)', async () => {
    await start();
    // The client has no base-URL option for market data: its fetch is pointed at the simulator.
    const fetchApi = (url: string | URL | Request, init?: RequestInit) => fetch(String(url).replace('https://data.alpaca.markets', sim.url), init);
    const data = new Alpaca({ keyId: KEYS.keyId, secret: KEYS.secretKey, fetchApi, retry: false, rateLimit: false }).marketData;
    let contracts = 0;
    for (let pageToken: string | undefined; ; ) {
      const page = await data.options.optionChain({ underlyingSymbol: 'AAPL', feed: 'indicative', limit: 40, pageToken });
      contracts += Object.keys(page.snapshots).length;
      if (!page.nextPageToken) break;
      pageToken = page.nextPageToken;
    }
    expect(contracts).toBe(AAPL_FILE_ROWS.length);
    const chain = await data.options.optionChain({ underlyingSymbol: 'AAPL', feed: 'indicative', limit: 1 });
    expect(chain.snapshots.AAPL240802C00100000).toMatchObject({ latestTrade: { p: 118.68, t: new Date('2024-07-29T16:08:35Z') }, latestQuote: { bp: 120.75, ap: 122.55 } });
    const actions = await data.corporateActions.corporateActions({ symbols: 'AAPL', types: 'forward_split', start: new Date('2014-01-01'), end: new Date('2020-12-31') });
    expect(actions.corporateActions.forwardSplits?.map((a) => [a.exDate.toISOString().slice(0, 10), a.newRate, a.oldRate, a.cusip])).toEqual([['2014-06-09', 7, 1, '037833100'], ['2020-08-31', 4, 1, '037833100']]);
    expect(sim.log.map((r) => r.path)).toContain('/v1/corporate-actions');
  });

  it('serves name changes, mergers and spin-offs in the groups and fields the official client reads', async () => {
    await start({ corporateActions: {
      name_changes: [{ id: 'n', old_symbol: 'FB', new_symbol: 'META', old_cusip: '30303M102', new_cusip: '30303M102', process_date: '2022-06-09' }],
      stock_mergers: [{ id: 'm', acquirer_symbol: 'AMD', acquirer_cusip: '007903107', acquirer_rate: 1.7234, acquiree_symbol: 'XLNX', acquiree_cusip: '983919101', acquiree_rate: 1, effective_date: '2022-02-14', process_date: '2022-02-14' }],
      spin_offs: [{ id: 's', source_symbol: 'GE', source_cusip: '369604301', source_rate: 3, new_symbol: 'GEHC', new_cusip: '36266G107', new_rate: 1, ex_date: '2023-01-04', process_date: '2023-01-04' }],
    } });
    const fetchApi = (url: string | URL | Request, init?: RequestInit) => fetch(String(url).replace('https://data.alpaca.markets', sim.url), init);
    const data = new Alpaca({ keyId: KEYS.keyId, secret: KEYS.secretKey, fetchApi, retry: false, rateLimit: false }).marketData;
    const window = { start: new Date('2022-01-01'), end: new Date('2023-12-31') };
    const renamed = (await data.corporateActions.corporateActions({ symbols: 'FB', types: 'name_change', ...window })).corporateActions;
    expect(renamed.nameChanges?.map((a) => [a.oldSymbol, a.newSymbol, a.processDate.toISOString().slice(0, 10)])).toEqual([['FB', 'META', '2022-06-09']]);
    const merged = (await data.corporateActions.corporateActions({ symbols: 'XLNX', types: 'stock_merger', ...window })).corporateActions;
    expect(merged.stockMergers?.map((a) => [a.acquireeSymbol, a.acquirerSymbol, a.acquirerRate, a.acquireeRate])).toEqual([['XLNX', 'AMD', 1.7234, 1]]);
    const spun = (await data.corporateActions.corporateActions({ symbols: 'GE', types: 'spin_off', ...window })).corporateActions;
    expect(spun.spinOffs?.map((a) => [a.sourceSymbol, a.newSymbol, a.newRate, a.sourceRate, a.exDate.toISOString().slice(0, 10)])).toEqual([['GE', 'GEHC', 1, 3, '2023-01-04']]);
  });
});
