import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOptionChainCsv } from '@md/options';
import { AlpacaRestSimulator, type AlpacaRestSimulatorOptions } from '@md/simulators';
import { AlpacaOptionsClient, type AlpacaOptionsClientOptions } from './alpaca-options.client';
import { OPTIONS_CHAIN_FILE, fixturesDir } from '@md/fixtures';

// Real data: the shared July 2024 chain snapshot, served by the simulator as Alpaca snapshots.
const KEYS = { keyId: 'AKOPTIONSTEST', secretKey: 'options-secret-value' };
const FAST = { requests: 1_000, perMs: 1_000, burst: 100 };
const FILE = parseOptionChainCsv(readFileSync(join(fixturesDir(), OPTIONS_CHAIN_FILE), 'utf8'), { provider: 'yahoo', riskFreeRate: 0.053, ingestTime: 0 });
const FILE_AAPL = FILE.quotes.filter((q) => q.underlying === 'AAPL');
const GREEKS = { delta: 0.61, gamma: 0.02, theta: -0.3, vega: 0.11, rho: 0.05 };

describe('Alpaca options snapshot client', () => {
  let sim: AlpacaRestSimulator;
  afterEach(() => sim?.stop());

  async function setUp(simOptions: Partial<AlpacaRestSimulatorOptions> = {}, clientOptions: Partial<AlpacaOptionsClientOptions> = {}) {
    sim = await AlpacaRestSimulator.start({ ...KEYS, ...simOptions });
    return new AlpacaOptionsClient({ ...KEYS, baseUrl: sim.url, feed: 'indicative', riskFreeRate: 0.053, budget: FAST, backoff: { initialMs: 20, maxMs: 100 }, ...clientOptions });
  }

  it("reads AAPL's whole chain through its pages: every contract of the file, IV as given, greeks computed", async () => {
    const client = await setUp({}, { pageLimit: 25 });
    const chain = await client.chain({ underlying: 'aapl' });
    expect(client.stats.pages).toBe(Math.ceil(FILE_AAPL.length / 25));
    expect(chain.rejected).toEqual([]);
    expect(chain.quotes.map((q) => q.occSymbol).sort()).toEqual(FILE_AAPL.map((q) => q.occSymbol).sort());
    // The file path dates the snapshot by the file's latest trade; the simulator dates the quotes there.
    expect(chain.snapshotTime).toBe(FILE.snapshotTime);
    const byOcc = new Map(FILE_AAPL.map((q) => [q.occSymbol, q]));
    for (const q of chain.quotes) {
      const f = byOcc.get(q.occSymbol)!;
      expect([q.bid, q.ask, q.last, q.lastTradeTime, q.impliedVolatility, q.provider]).toEqual([f.bid, f.ask, f.last, f.lastTradeTime, f.impliedVolatility, 'alpaca']);
      expect([q.openInterest, q.volume]).toEqual([null, null]); // not in Alpaca's snapshot (nor served without a daily bar)
      // Same rule, same quotes, same snapshot time: the same spot and greeks as the file path (AAPL's
      // moneyness flags, which Alpaca lacks, do not bind its parity spot).
      expect([q.underlyingPrice, q.delta, q.gamma, q.theta, q.vega, q.rho, q.greeksSource]).toEqual([f.underlyingPrice, f.delta, f.gamma, f.theta, f.vega, f.rho, f.greeksSource]);
    }
    expect(chain.quotes.filter((q) => q.greeksSource === 'computed').length).toBeGreaterThan(FILE_AAPL.length * 0.9);
    expect(sim.log.every((r) => r.path === '/v1beta1/options/snapshots/AAPL' && r.params.feed === 'indicative' && r.params.limit === '25')).toBe(true);
  });

  it('keeps the greeks Alpaca sends and dead-letters a contract it cannot map, with where it came from', async () => {
    const optionChains = { ZZZ: {
      ZZZ240816C00010000: { latestQuote: { t: '2024-08-01T19:59:00Z', bp: 2.1, ap: 2.2, bs: 1, as: 1, bx: 'C', ax: 'C', c: 'A' }, greeks: GREEKS, impliedVolatility: 0.3 },
      ZZZ240816P00010000: { latestQuote: { t: '2024-08-01T19:59:00Z', bp: 'x', ap: 0.2 } },
    } };
    const client = await setUp({ optionChains, includeOptionsFile: false });
    const chain = await client.chain({ underlying: 'ZZZ', expiryFrom: '2024-08-01', expiryTo: '2024-08-31', type: 'call' });
    expect(sim.log[0].params).toMatchObject({ expiration_date_gte: '2024-08-01', expiration_date_lte: '2024-08-31', type: 'call' });
    expect(chain.quotes).toMatchObject([{ occSymbol: 'ZZZ240816C00010000', ...GREEKS, impliedVolatility: 0.3, greeksSource: 'provider' }]);
    const all = await client.chain({ underlying: 'ZZZ' });
    expect(all.rejected).toEqual([{
      payload: JSON.stringify({ ZZZ240816P00010000: optionChains.ZZZ.ZZZ240816P00010000 }),
      reason: 'ZZZ240816P00010000: latestQuote.bp: Expected number, received string',
      source: expect.stringMatching(/^alpaca-rest GET \/v1beta1\/options\/snapshots\/ZZZ\?feed=indicative&limit=1000$/),
    }]);
  });

  it('waits out 429s and counts them', async () => {
    const client = await setUp({ faults: { rateLimitEvery: 2, retryAfterSeconds: 1 } }, { pageLimit: 40 });
    const chain = await client.chain({ underlying: 'AAPL' });
    expect(chain.quotes).toHaveLength(FILE_AAPL.length);
    expect(client.stats.rateLimited).toBe(sim.countByStatus()[429]);
    expect(client.stats.rateLimited).toBeGreaterThan(0);
  });

  it('refuses a chain larger than its bound instead of holding it', async () => {
    const client = await setUp({}, { pageLimit: 10, maxContracts: 15 });
    await expect(client.chain({ underlying: 'AAPL' })).rejects.toMatchObject({ retriable: false, message: expect.stringMatching(/more than 15 contracts/) });
    expect(client.stats.pages).toBe(2);
  });

  it('fails a bad key with a clear error that does not carry the secret', async () => {
    const client = await setUp({}, { secretKey: 'wrong-options-secret' });
    const error = (await client.chain({ underlying: 'AAPL' }).catch((e: unknown) => e)) as Error & { status: number };
    expect(error).toMatchObject({ status: 401, retriable: false });
    expect(error.message).not.toContain('wrong-options-secret');
    expect(() => new AlpacaOptionsClient({ ...KEYS, baseUrl: sim.url, feed: 'opra', riskFreeRate: 0, pageLimit: 1001 })).toThrow('pageLimit must be 1..1000');
  });
});
