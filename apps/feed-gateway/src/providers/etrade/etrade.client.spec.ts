import { Logger } from '@nestjs/common';
import type OAuth from 'oauth-1.0a';
import type { QuoteRecord } from '@md/contracts';
import { EtradeSimulator, waitFor } from '@md/testing';
import { MemorySink } from '../provider';
import { EtradeClient, EtradeError, EtradeQuotePoller, type EtradeClientOptions } from './etrade.client';

const CONSUMER = { consumerKey: 'etrade-consumer-key', consumerSecret: 'etrade+consumer/secret=' };
/** Shaped like the sample of E*TRADE's "Get Quotes" page (detailFlag=ALL). */
const quote = (symbol: string, dateTimeUTC = 1529522220) => ({
  dateTime: '15:17:00 EDT 06-20-2018', dateTimeUTC, quoteStatus: 'DELAYED', ahFlag: 'false', hasMiniOptions: false,
  All: { adjustedFlag: false, ask: 1175.79, askSize: 100, bid: 1175.29, bidExchange: '', bidSize: 100, lastTrade: 1175.74 },
  Product: { symbol, securityType: 'EQ' },
});
const SYMBOLS = Array.from({ length: 60 }, (_, i) => `SYM${String(i).padStart(2, '0')}`);

describe('E*TRADE client', () => {
  let sim: EtradeSimulator;
  let quotes: Record<string, ReturnType<typeof quote>>;
  let token: OAuth.Token;
  let logged: string[];
  const client = (options: Partial<EtradeClientOptions> = {}) =>
    new EtradeClient({ baseUrl: sim.url, ...CONSUMER, accessToken: token, requestsPerSecond: 4, backoff: { initialMs: 5, maxMs: 20 }, ...options });

  /** The token flow, the test acting as the user in the browser. */
  async function tokenFlow(etrade: EtradeClient): Promise<OAuth.Token> {
    const { token: requestToken, authorizeUrl } = await etrade.requestToken();
    const page = await (await fetch(authorizeUrl)).text();
    return etrade.accessToken(requestToken, /id="verifier" value="(\w+)"/.exec(page)![1]);
  }

  beforeEach(async () => {
    logged = [];
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    quotes = Object.fromEntries(['GOOG', ...SYMBOLS].map((s) => [s, quote(s)]));
    sim = await EtradeSimulator.start({ ...CONSUMER, quotes });
    token = await tokenFlow(new EtradeClient({ baseUrl: sim.url, ...CONSUMER }));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await sim.stop();
  });

  it('runs the token flow with requests the simulator verifies, then maps quotes', async () => {
    const etrade = client({ accessToken: undefined });
    await tokenFlow(etrade);
    const { records, rejected } = await etrade.quotes(['goog', 'NOPE']);
    expect(records).toEqual([{
      symbol: 'GOOG', provider: 'etrade', eventTime: 1529522220 * 1_000_000, ingestTime: expect.any(Number), bidPrice: '1175.29000000', bidSize: 100,
      bidExchange: null, askPrice: '1175.79000000', askSize: 100, askExchange: null, conditions: [], tape: null,
    }]);
    expect(rejected).toEqual([{ payload: expect.any(String), reason: 'Messages: E*TRADE WARNING: NOPE is not a valid symbol', source: 'etrade GET /v1/market/quote/GOOG,NOPE.json?detailFlag=ALL' }]);
    expect(Object.keys(sim.statusCounts)).toEqual(['200']);
  });

  it('is refused with signature_invalid when the signature is tampered with, without retrying or renewing', async () => {
    const realFetch = global.fetch;
    jest.spyOn(global, 'fetch').mockImplementation((input, init) => {
      const headers = { ...(init?.headers as Record<string, string>) };
      headers.Authorization = headers.Authorization.replace(/oauth_signature="(.)/, (_, c: string) => `oauth_signature="${c === 'A' ? 'B' : 'A'}`);
      return realFetch(input, { ...init, headers });
    });
    const etrade = client();
    const err = await etrade.quotes(['GOOG']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtradeError);
    expect(err).toMatchObject({ status: 401, retriable: false, message: 'GET /v1/market/quote/GOOG.json: HTTP 401: oauth_problem=signature_invalid' });
    expect([etrade.stats.requests, etrade.stats.renewals]).toEqual([1, 0]);
  });

  it('is refused when signing with the wrong consumer secret, and no secret reaches the error or the log', async () => {
    const err = await client({ consumerSecret: 'not-the-secret' }).quotes(['GOOG']).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/oauth_problem=signature_invalid/);
    const everything = [(err as Error).message, ...logged].join('\n');
    for (const secret of [CONSUMER.consumerSecret, 'not-the-secret', token.secret]) expect(everything).not.toContain(secret);
  });

  it('maps an option chain of the real July 2024 snapshot to EtradeOptionQuote[]', async () => {
    const chain = await client().optionChain('AAPL', '2024-08-02');
    expect(chain).toHaveLength(98);
    expect(chain.find((q) => q.occSymbol === 'AAPL240802C00100000')).toEqual({
      occSymbol: 'AAPL240802C00100000', underlying: 'AAPL', expiry: '2024-08-02', strike: '100.00000000', type: 'C',
      bid: '120.75000000', ask: '122.55000000', last: '118.68000000', volume: 12, openInterest: 19,
      iv: 4.363285795898436, delta: null, gamma: null, theta: null, vega: null, rho: null, quoteTime: Date.parse('2024-07-29T16:08:35Z') * 1000,
    });
    expect(new Set(chain.map((q) => q.type))).toEqual(new Set(['C', 'P']));
  });

  it('renews an inactive access token once and goes on; an expired one stops with the token-flow hint', async () => {
    const etrade = client();
    sim.inactivateTokens();
    expect((await etrade.quotes(['GOOG'])).records).toHaveLength(1);
    expect(etrade.stats.renewals).toBe(1);
    sim.expireTokens();
    await expect(etrade.quotes(['GOOG'])).rejects.toThrow(/tokens end at midnight US Eastern; run the token flow again \(TOKEN-FLOW.md\)/);
  });

  it('retries a throttled request with backoff', async () => {
    sim.throttleEvery = 2;
    const etrade = client();
    expect((await etrade.quotes(SYMBOLS)).records).toHaveLength(60);
    expect(etrade.stats.throttled).toBeGreaterThan(0);
    expect(etrade.stats.throttled).toBe(sim.statusCounts[429]);
  });

  it('polls at the configured rate (no 429 from a server allowing 4 a second) and publishes changed quotes only', async () => {
    const etrade = client({ requestsPerSecond: 3.5 }); // under 4: fixed one-second windows cannot catch 5 spaced requests
    const poller = new EtradeQuotePoller(etrade, { symbols: SYMBOLS, intervalMs: 0 });
    const sink = new MemorySink();
    const started = Date.now();
    await poller.start(sink);
    await waitFor('three rounds of three requests', () => etrade.stats.requests >= 9, 10_000, 20);
    quotes.SYM07 = quote('SYM07', 1529522221);
    await waitFor('the changed quote', () => sink.records.length === 61, 10_000, 20);
    await poller.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(8 * (1000 / 3.5) - 20);
    expect(sim.statusCounts[429]).toBeUndefined();
    expect((sink.records.at(-1)!.value as QuoteRecord)).toMatchObject({ symbol: 'SYM07', eventTime: 1529522221 * 1_000_000 });
    await expect(poller.finished).resolves.toBeUndefined();
  });

  it('shows its rounds in status(), dead-letters an invalid symbol once, and fails with the token-flow hint when the token expires', async () => {
    const etrade = client();
    const poller = new EtradeQuotePoller(etrade, { symbols: ['GOOG', 'NOPE'], intervalMs: 0 });
    expect(poller.status()).toMatchObject({ state: 'idle', rounds: 0, symbols: ['GOOG', 'NOPE'] });
    const sink = new MemorySink();
    await poller.start(sink);
    await waitFor('three rounds', () => poller.status().rounds >= 3, 10_000, 10);
    expect(poller.status()).toMatchObject({ state: 'polling', reason: null, published: 1, rejected: 1, requests: expect.any(Number) });
    expect(sink.rejected.map((r) => r.reason)).toEqual(['Messages: E*TRADE WARNING: NOPE is not a valid symbol']);

    sim.expireTokens();
    await expect(poller.finished).rejects.toThrow(/run the token flow again/);
    expect(poller.status()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/tokens end at midnight US Eastern/), renewals: 0 });
    await poller.stop();
    expect(poller.status().state).toBe('failed');
  });

  it('goes on past a server error round: a failed round is counted, the next one publishes', async () => {
    const poller = new EtradeQuotePoller(client({ maxRetries: 0 }), { symbols: ['GOOG'], intervalMs: 0 });
    const sink = new MemorySink();
    await poller.start(sink);
    sim.failNext(1, 500);
    await waitFor('a failed round', () => poller.status().failedRounds === 1, 10_000, 10);
    quotes.GOOG = quote('GOOG', 1529522281);
    await waitFor('the changed quote', () => sink.records.length === 2, 10_000, 10);
    expect(poller.status()).toMatchObject({ state: 'polling', reason: null, failedRounds: 1 });
    await poller.stop();
    expect(poller.status().state).toBe('stopped');
  });
});
