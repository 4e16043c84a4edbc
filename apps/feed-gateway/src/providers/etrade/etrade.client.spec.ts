import { Logger } from '@nestjs/common';
import { EtradeError } from './etrade.client';
import { CONSUMER, EtradeSandbox, SYMBOLS, tokenFlow } from './etrade.fixture';

describe('E*TRADE client', () => {
  const box = new EtradeSandbox();
  let logged: string[];

  beforeEach(async () => {
    logged = [];
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    await box.start();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await box.stop();
  });

  it('runs the token flow with requests the simulator verifies, then maps quotes', async () => {
    const etrade = box.client({ accessToken: undefined });
    await tokenFlow(etrade);
    const { records, rejected } = await etrade.quotes(['goog', 'NOPE']);
    expect(records).toEqual([{
      symbol: 'GOOG', provider: 'etrade', eventTime: 1529522220 * 1_000_000, ingestTime: expect.any(Number), bidPrice: '1175.29000000', bidSize: 100,
      bidExchange: null, askPrice: '1175.79000000', askSize: 100, askExchange: null, conditions: [], tape: null,
    }]);
    expect(rejected).toEqual([{ payload: expect.any(String), reason: 'Messages: E*TRADE WARNING: NOPE is not a valid symbol', source: 'etrade GET /v1/market/quote/GOOG,NOPE.json?detailFlag=ALL' }]);
    expect(Object.keys(box.sim.statusCounts)).toEqual(['200']);
  });

  it('is refused with signature_invalid when the signature is tampered with, without retrying or renewing', async () => {
    const realFetch = global.fetch;
    jest.spyOn(global, 'fetch').mockImplementation((input, init) => {
      const headers = { ...(init?.headers as Record<string, string>) };
      headers.Authorization = headers.Authorization.replace(/oauth_signature="(.)/, (_, c: string) => `oauth_signature="${c === 'A' ? 'B' : 'A'}`);
      return realFetch(input, { ...init, headers });
    });
    const etrade = box.client();
    const err = await etrade.quotes(['GOOG']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtradeError);
    expect(err).toMatchObject({ status: 401, retriable: false, message: 'GET /v1/market/quote/GOOG.json: HTTP 401: oauth_problem=signature_invalid' });
    expect([etrade.stats.requests, etrade.stats.renewals]).toEqual([1, 0]);
  });

  it('is refused when signing with the wrong consumer secret, and no secret reaches the error or the log', async () => {
    const err = await box.client({ consumerSecret: 'not-the-secret' }).quotes(['GOOG']).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/oauth_problem=signature_invalid/);
    const everything = [(err as Error).message, ...logged].join('\n');
    for (const secret of [CONSUMER.consumerSecret, 'not-the-secret', box.token.secret]) expect(everything).not.toContain(secret);
  });

  it('maps an option chain of the real July 2024 snapshot to EtradeOptionQuote[]', async () => {
    const chain = await box.client().optionChain('AAPL', '2024-08-02');
    expect(chain).toHaveLength(98);
    expect(chain.find((q) => q.occSymbol === 'AAPL240802C00100000')).toEqual({
      occSymbol: 'AAPL240802C00100000', underlying: 'AAPL', expiry: '2024-08-02', strike: '100.00000000', type: 'C',
      bid: '120.75000000', ask: '122.55000000', last: '118.68000000', volume: 12, openInterest: 19,
      iv: 4.363285795898436, delta: null, gamma: null, theta: null, vega: null, rho: null, quoteTime: Date.parse('2024-07-29T16:08:35Z') * 1000,
    });
    expect(new Set(chain.map((q) => q.type))).toEqual(new Set(['C', 'P']));
  });

  it('renews an inactive access token once and goes on; an expired one stops with the token-flow hint', async () => {
    const etrade = box.client();
    box.sim.inactivateTokens();
    expect((await etrade.quotes(['GOOG'])).records).toHaveLength(1);
    expect(etrade.stats.renewals).toBe(1);
    box.sim.expireTokens();
    await expect(etrade.quotes(['GOOG'])).rejects.toThrow(/tokens end at midnight US Eastern; run the token flow again \(TOKEN-FLOW.md\)/);
  });

  it('retries a throttled request with backoff', async () => {
    box.sim.throttleEvery = 2;
    const etrade = box.client();
    expect((await etrade.quotes(SYMBOLS)).records).toHaveLength(60);
    expect(etrade.stats.throttled).toBeGreaterThan(0);
    expect(etrade.stats.throttled).toBe(box.sim.statusCounts[429]);
  });
});
