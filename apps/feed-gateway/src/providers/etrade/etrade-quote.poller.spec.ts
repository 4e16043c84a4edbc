import type { QuoteRecord } from '@md/contracts';
import { waitFor } from '@md/testing';
import { MemorySink } from '@md/ingest';
import { EtradeQuotePoller } from './etrade-quote.poller';
import { EtradeSandbox, SYMBOLS, quote } from './etrade.fixture';

describe('E*TRADE quote poller', () => {
  const box = new EtradeSandbox();
  beforeEach(() => box.start());
  afterEach(() => box.stop());

  it('polls at the configured rate (no 429 from a server allowing 4 a second) and publishes changed quotes only', async () => {
    const etrade = box.client({ requestsPerSecond: 3.5 }); // under 4: fixed one-second windows cannot catch 5 spaced requests
    const poller = new EtradeQuotePoller(etrade, { symbols: SYMBOLS, intervalMs: 0 });
    const sink = new MemorySink();
    const started = Date.now();
    await poller.start(sink);
    await waitFor('three rounds of three requests', () => etrade.stats.requests >= 9, 10_000, 20);
    box.quotes.SYM07 = quote('SYM07', 1529522221);
    await waitFor('the changed quote', () => sink.records.length === 61, 10_000, 20);
    await poller.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(8 * (1000 / 3.5) - 20);
    expect(box.sim.statusCounts[429]).toBeUndefined();
    expect((sink.records.at(-1)!.value as QuoteRecord)).toMatchObject({ symbol: 'SYM07', eventTime: 1529522221 * 1_000_000 });
    await expect(poller.finished).resolves.toBeUndefined();
  });

  it('shows its rounds in status(), dead-letters an invalid symbol once, and fails with the token-flow hint when the token expires', async () => {
    const etrade = box.client();
    const poller = new EtradeQuotePoller(etrade, { symbols: ['GOOG', 'NOPE'], intervalMs: 0 });
    expect(poller.status()).toMatchObject({ state: 'idle', rounds: 0, symbols: ['GOOG', 'NOPE'] });
    const sink = new MemorySink();
    await poller.start(sink);
    await waitFor('three rounds', () => poller.status().rounds >= 3, 10_000, 10);
    expect(poller.status()).toMatchObject({ state: 'polling', reason: null, published: 1, rejected: 1, requests: expect.any(Number) });
    expect(sink.rejected.map((r) => r.reason)).toEqual(['Messages: E*TRADE WARNING: NOPE is not a valid symbol']);

    box.sim.expireTokens();
    await expect(poller.finished).rejects.toThrow(/run the token flow again/);
    expect(poller.status()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/tokens end at midnight US Eastern/), renewals: 0 });
    await poller.stop();
    expect(poller.status().state).toBe('failed');
  });

  it('goes on past a server error round: a failed round is counted, the next one publishes', async () => {
    const poller = new EtradeQuotePoller(box.client({ maxRetries: 0 }), { symbols: ['GOOG'], intervalMs: 0 });
    const sink = new MemorySink();
    await poller.start(sink);
    box.sim.failNext(1, 500);
    await waitFor('a failed round', () => poller.status().failedRounds === 1, 10_000, 10);
    box.quotes.GOOG = quote('GOOG', 1529522281);
    await waitFor('the changed quote', () => sink.records.length === 2, 10_000, 10);
    expect(poller.status()).toMatchObject({ state: 'polling', reason: null, failedRounds: 1 });
    await poller.stop();
    expect(poller.status().state).toBe('stopped');
  });
});
