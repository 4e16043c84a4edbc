import { fixturePath } from '@md/fixtures';
import { EtradeSimulator } from '@md/simulators';
import { finishSliceRun, httpJson, prepareSliceRun, registerTestSecrets, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';

// Integration: the two other brokers land in the same topics and tables as Alpaca's. E*TRADE's
// Accounts API (simulated, OAuth 1.0a signed) is polled by the gateway: an order placed and filled
// between polls arrives as its state and one execution, the portfolio as positions. Fidelity's
// downloaded files (the hand-made samples in its layout) arrive as positions and executions, the
// rows it cannot use dead-lettered. No account number or key reaches a table.
const CONSUMER = { consumerKey: 'etrade-acct-consumer-key-7f1a', consumerSecret: 'etrade-acct-consumer/secret+2b9c=' };
const KEY = 'dBZOKt9xDrtRSAOl4MSiiA';
const ACCOUNT_NUMBER = '84010429';

describe('E*TRADE and Fidelity accounts into the trading tables (integration)', () => {
  let slice: SliceRun;
  let sim: EtradeSimulator;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('B');
    sim = await EtradeSimulator.start({
      ...CONSUMER,
      etradeAccounts: { accounts: [{ accountIdKey: KEY, accountId: ACCOUNT_NUMBER }], positions: { [KEY]: [{ symbol: 'AAPL', quantity: 10, pricePaid: 150 }, { symbol: 'MSFT', quantity: 5, pricePaid: 300 }] } },
    });
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await sim?.stop();
    await finishSliceRun(slice);
  });

  it('stores E*TRADE orders, fills and positions and Fidelity positions and trades under their aliases', async () => {
    const token = sim.issueAccessToken();
    registerTestSecrets(CONSUMER.consumerKey, CONSUMER.consumerSecret, token.key, token.secret, KEY);
    const writer = await startService('timescale-writer', slice.writerEnv, `test-${slice.run}-writer`);
    services.push(writer);
    await waitReady(writer);
    const etradeAlias = `et-${slice.run.toLowerCase()}`;
    const gateway = await startService('feed-gateway', {
      ETRADE_API_URL: sim.url, ETRADE_CONSUMER_KEY: CONSUMER.consumerKey, ETRADE_CONSUMER_SECRET: CONSUMER.consumerSecret,
      ETRADE_ACCESS_TOKEN: token.key, ETRADE_ACCESS_TOKEN_SECRET: token.secret, ETRADE_ACCOUNTS: `${KEY}=${etradeAlias}`,
      ETRADE_ACCOUNTS_POLL_INTERVAL_MS: '500', ETRADE_ACCOUNTS_REQUESTS_PER_SECOND: '1.9', ETRADE_REQUESTS_PER_SECOND: '3.8',
      FIDELITY_POSITIONS_FILE: fixturePath('fidelity/Portfolio_Positions_Sample.csv'), FIDELITY_HISTORY_FILE: fixturePath('fidelity/Accounts_History_Sample.csv'),
      FIDELITY_ACCOUNTS: 'X12345678=ira,Y87654321=taxable',
    }, `test-${slice.run}-gateway`);
    services.push(gateway);
    await waitReady(gateway);

    const buy = sim.accounts.placeOrder(KEY, { symbol: 'AAPL', orderAction: 'BUY', quantity: 5 });
    sim.accounts.fillOrder(KEY, buy, 5, 160);
    const rows = async (sql: string) => (await slice.db.query<Record<string, unknown>>(sql)).rows;
    const s = slice.schema;
    await waitFor('the E*TRADE order, fill and positions in the tables', async () => {
      const [orders, fills, positions] = await Promise.all([
        rows(`SELECT status FROM ${s}.orders WHERE account_alias = '${etradeAlias}' AND order_id = '${buy}'`),
        rows(`SELECT 1 FROM ${s}.executions WHERE account_alias = '${etradeAlias}'`),
        rows(`SELECT symbol, quantity::text AS q FROM ${s}.positions WHERE account_alias = '${etradeAlias}' AND symbol = 'AAPL'`),
      ]);
      return orders[0]?.status === 'filled' && fills.length === 1 && positions[0]?.q === '15.00000000';
    }, 60_000, 250);
    expect(await rows(`SELECT execution_id, price::text, quantity::text FROM ${s}.executions WHERE account_alias = '${etradeAlias}'`))
      .toEqual([{ execution_id: `${buy}@5.00000000`, price: '160.00000000', quantity: '5.00000000' }]);
    expect(await rows(`SELECT symbol, quantity::text, average_entry_price::text FROM ${s}.positions WHERE account_alias = '${etradeAlias}' ORDER BY symbol`))
      .toEqual([{ symbol: 'AAPL', quantity: '15.00000000', average_entry_price: expect.any(String) }, { symbol: 'MSFT', quantity: '5.00000000', average_entry_price: '300.00000000' }]);

    // Fidelity: the samples' 4 positions and 4 trades of the aliased accounts (the job's spec has them exactly).
    await waitFor('the Fidelity records in the tables', async () => (await rows(`SELECT 1 FROM ${s}.positions WHERE account_alias IN ('ira', 'taxable')`)).length === 4
      && (await rows(`SELECT 1 FROM ${s}.executions WHERE account_alias IN ('ira', 'taxable')`)).length === 4, 60_000, 250);
    const everything = JSON.stringify(await rows(`SELECT * FROM ${s}.orders`)) + JSON.stringify(await rows(`SELECT * FROM ${s}.executions`)) + JSON.stringify(await rows(`SELECT * FROM ${s}.positions`));
    for (const secret of [ACCOUNT_NUMBER, KEY, 'X12345678', 'Y87654321', 'Z99999999']) expect(everything).not.toContain(secret);
    const streams = (await httpJson(gateway.port, '/v1/streams')).body.streams;
    expect(streams.find((x: { provider: string }) => x.provider === 'etrade-accounts')).toMatchObject({ state: 'polling', accounts: [etradeAlias] });
  }, 180_000);
});
