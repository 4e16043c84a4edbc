import { Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { EtradeSimulator } from '@md/simulators';
import { waitFor } from '@md/testing';
import { EtradeClient } from './etrade.client';
import { EtradeAccountsPoller, type EtradeAccountRecords, type EtradeAccountsSink } from './etrade-accounts.poller';
import { CONSUMER } from './etrade.fixture';

// Against the simulator over real HTTP, every request OAuth-signed and verified. The simulator
// allows the Accounts and Order modules 2 requests a second each, as E*TRADE does; the poller
// runs at 1.9 a second, so these cycles take a few seconds.

const KEY = 'vQMsebA1H5WltUfDkJP48g';
const ACCOUNT_NUMBER = '82736351';
const ALIASES = { [KEY]: 'ira' };
const RATE = 1.9;

class Batches implements EtradeAccountsSink {
  readonly batches: EtradeAccountRecords[] = [];
  async publish(records: EtradeAccountRecords): Promise<void> {
    this.batches.push(records);
  }
}

describe('E*TRADE accounts poller', () => {
  let sim: EtradeSimulator;
  let logged: string[];
  let started: EtradeAccountsPoller[];
  const client = (options: { maxRetries?: number } = {}) => new EtradeClient({
    baseUrl: sim.url, ...CONSUMER, accessToken: sim.issueAccessToken(), requestsPerSecond: 4, backoff: { initialMs: 5, maxMs: 20 }, ...options,
  });
  /** Pages of two by default, to make the listings page; 50 for the tests about failures. */
  const poller = (etrade: EtradeClient, pageSize = 2) => {
    const p = new EtradeAccountsPoller(etrade, { aliases: ALIASES, requestsPerSecond: RATE, intervalMs: 0, pageSizes: { portfolio: pageSize, orders: pageSize, transactions: pageSize } });
    started.push(p);
    return p;
  };

  beforeEach(async () => {
    logged = [];
    started = [];
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    sim = await EtradeSimulator.start({
      ...CONSUMER,
      etradeAccounts: {
        accounts: [{ accountIdKey: KEY, accountId: ACCOUNT_NUMBER }, { accountIdKey: 'someone-elses', accountId: '11112222' }],
        positions: { [KEY]: [{ symbol: 'AAPL', quantity: 10, pricePaid: 150 }, { symbol: 'MSFT', quantity: 5, pricePaid: 300 }, { symbol: 'TSLA', quantity: 2, positionType: 'SHORT', pricePaid: 250 }] },
      },
    });
  });
  afterEach(async () => {
    await Promise.all(started.map((p) => p.stop()));
    jest.restoreAllMocks();
    await sim.stop();
  });

  it('publishes the orders, fills and positions that changed between polls, following every page, naming the account by its alias only', async () => {
    const day = (days: number) => DateTime.now().setZone('America/New_York').minus({ days }).toFormat('MMddyyyy');
    const open = sim.accounts.placeOrder(KEY, { symbol: 'GOOG', orderAction: 'BUY', quantity: 1, priceType: 'LIMIT', limitPrice: 100, orderTerm: 'GOOD_UNTIL_CANCEL', placedTime: Date.now() - 10 * 86_400_000 });
    const accounts = poller(client());
    const first = await accounts.poll();
    expect(first.positions.map((p) => [p.symbol, p.quantity, p.averageEntryPrice])).toEqual([
      ['AAPL', '10.00000000', '150.00000000'], ['MSFT', '5.00000000', '300.00000000'], ['TSLA', '-2.00000000', '250.00000000'],
    ]);
    expect(first.orders).toEqual([expect.objectContaining({ orderId: String(open), broker: 'etrade', accountAlias: 'ira', side: 'BUY', orderType: 'limit', timeInForce: 'gtc', limitPrice: '100.00000000', status: 'new', event: 'snapshot' })]);
    expect([first.executions, first.transactions, first.rejected]).toEqual([[], [], []]);

    const buy = sim.accounts.placeOrder(KEY, { symbol: 'AAPL', orderAction: 'BUY', quantity: 5 });
    const sell = sim.accounts.placeOrder(KEY, { symbol: 'MSFT', orderAction: 'SELL', quantity: 4, priceType: 'LIMIT', limitPrice: 305 });
    sim.accounts.fillOrder(KEY, buy, 5, 160);
    sim.accounts.fillOrder(KEY, sell, 2, 310);
    const second = await accounts.poll();
    expect(second.orders.map((o) => [o.orderId, o.status, o.filledQuantity, o.averageFillPrice])).toEqual([
      [String(sell), 'partially_filled', '2.00000000', '310.00000000'], [String(buy), 'filled', '5.00000000', '160.00000000'],
    ]);
    expect(second.executions.map((e) => [e.executionId, e.side, e.quantity, e.price])).toEqual([
      [`${sell}@2.00000000`, 'SELL', '2.00000000', '310.00000000'], [`${buy}@5.00000000`, 'BUY', '5.00000000', '160.00000000'],
    ]);
    expect(second.positions.map((p) => [p.symbol, p.quantity, p.averageEntryPrice])).toEqual([['AAPL', '15.00000000', '153.33333333'], ['MSFT', '3.00000000', '300.00000000']]);
    expect(second.transactions.map((t) => [t.type, t.symbol, t.amount])).toEqual([['Bought', 'AAPL', '-800.00000000'], ['Sold', 'MSFT', '620.00000000']]);

    const orderPages = sim.accounts.log.filter((r) => r.route === 'orders');
    expect(orderPages.at(-1)!.query).toMatchObject({ count: '2', marker: expect.any(String) }); // three orders, two a page
    // The first cycle reads 60 days of orders; the next ones from the day before, or from the day the open order was placed.
    expect(orderPages.map((r) => r.query.fromDate)).toEqual([day(59), day(10), day(10)]);
    expect(sim.accounts.log.filter((r) => r.route === 'transactions').map((r) => [r.query.startDate, r.query.endDate])).toEqual([[day(1), day(0)], [day(1), day(0)]]);
    expect(sim.accounts.log.filter((r) => r.route === 'portfolio').map((r) => r.query.pageNumber)).toEqual(['1', '2', '1', '2']);

    sim.accounts.fillOrder(KEY, sell, 2, 320);
    sim.accounts.cancelOrder(KEY, open);
    const cover = sim.accounts.placeOrder(KEY, { symbol: 'TSLA', orderAction: 'BUY_TO_COVER', quantity: 2 });
    sim.accounts.fillOrder(KEY, cover, 2, 240);
    const third = await accounts.poll();
    const revisionBefore = first.orders[0].revision;
    expect(third.orders.map((o) => [o.orderId, o.status])).toEqual([[String(cover), 'filled'], [String(sell), 'filled'], [String(open), 'canceled']]);
    expect(third.orders.find((o) => o.orderId === String(open))!.revision).toBeGreaterThan(revisionBefore);
    expect(third.executions.map((e) => [e.executionId, e.quantity, e.price, e.cumulativeQuantity])).toEqual([
      [`${cover}@2.00000000`, '2.00000000', '240.00000000', '2.00000000'], [`${sell}@4.00000000`, '2.00000000', '320.00000000', '4.00000000'],
    ]);
    expect(third.positions.map((p) => [p.symbol, p.quantity])).toEqual([['MSFT', '1.00000000'], ['TSLA', '0.00000000']]);
    expect(third.transactions.map((t) => t.type)).toEqual(['Sold', 'Bought To Cover']);

    expect(await accounts.poll()).toEqual({ orders: [], executions: [], positions: [], transactions: [], rejected: [] });
    expect(sim.accounts.log.filter((r) => r.route === 'orders').at(-1)!.query.fromDate).toBe(day(1)); // nothing open any more
    expect(accounts.status()).toMatchObject({ accounts: ['ira'], cycles: 4, published: { orders: 6, executions: 4, positions: 7, transactions: 4 } });
    expect(sim.statusCounts[429]).toBeUndefined();
    const everything = JSON.stringify([first, second, third, accounts.status()]) + logged.join('\n');
    for (const id of [KEY, ACCOUNT_NUMBER, 'someone-elses', '11112222']) expect(everything).not.toContain(id);
    expect(logged).toContain('polling E*TRADE accounts ira; 1 other account(s) without an alias left alone');
  });

  it('renews an inactive token and goes on; an expired one (401) stops it with the token-flow hint', async () => {
    const etrade = client();
    const accounts = poller(etrade, 50);
    const sink = new Batches();
    await accounts.start(sink);
    sim.inactivateTokens();
    sim.accounts.placeOrder(KEY, { symbol: 'AAPL', orderAction: 'BUY', quantity: 1 });
    await waitFor('the order after a renewal', () => sink.batches.some((b) => b.orders.length === 1), 20_000, 20);
    expect(etrade.stats.renewals).toBe(1);

    sim.expireTokens();
    await expect(accounts.finished).rejects.toThrow(/tokens end at midnight US Eastern; run the token flow again/);
    expect(accounts.status()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/run the token flow again/), renewals: 1 });
    await accounts.stop();
    expect(accounts.status().state).toBe('failed');
    expect(logged.join('\n')).not.toContain(KEY);
  });

  it('retries a throttled request (429), and counts a cycle that fails past its retries (500) and publishes in the next', async () => {
    sim.throttleEvery = 3;
    const retrying = client();
    expect((await poller(retrying, 50).poll()).positions).toHaveLength(3);
    expect(retrying.stats.throttled).toBe(sim.statusCounts[429]);
    expect(retrying.stats.throttled).toBeGreaterThan(0);
    sim.throttleEvery = undefined;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the next poller's first requests share no one-second window with these

    const accounts = poller(client({ maxRetries: 0 }), 50);
    const sink = new Batches();
    await accounts.start(sink);
    sim.failNext(1, 500);
    await waitFor('a failed cycle', () => accounts.status().failedCycles === 1, 20_000, 20);
    expect(accounts.status().reason).toMatch(/HTTP 500/);
    sim.accounts.setPositions(KEY, []);
    // The first cycle's batch, then this one: a cycle with no news publishes nothing.
    await waitFor('the closed positions', () => sink.batches.length === 2, 20_000, 20);
    expect(sink.batches[1].positions.map((p) => [p.symbol, p.quantity])).toEqual([['AAPL', '0.00000000'], ['MSFT', '0.00000000'], ['TSLA', '0.00000000']]);
    expect(accounts.status()).toMatchObject({ state: 'polling', reason: null, failedCycles: 1 });
    await accounts.stop();
    expect(accounts.status().state).toBe('stopped');
    await expect(accounts.finished).resolves.toBeUndefined();
  });
});
