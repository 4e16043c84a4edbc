import { MemorySink } from '@md/ingest';
import { AlpacaTradingSimulator } from '@md/account-simulators';
import { waitFor } from '@md/testing';
import { AlpacaTradingConnector, type AlpacaTradingOptions } from './alpaca-trading.connector';

// The account connector against the Alpaca paper-trading simulator (real HTTP and WebSocket on
// loopback). The trading day, cuts and writer kill are in test/trading-day.integration.spec.ts;
// here: a refused key, a silent socket, text frames, and a fill published with its position.
const KEYS = { keyId: 'PKCONNECTOR01', secretKey: 'connector-secret-0123456789' };

describe('Alpaca account connector', () => {
  let sim: AlpacaTradingSimulator;
  let connector: AlpacaTradingConnector | undefined;
  const options = (over: Partial<AlpacaTradingOptions> = {}): AlpacaTradingOptions => ({
    restUrl: sim.url, streamUrl: sim.streamUrl, ...KEYS, accountAlias: 'paper', backoff: { initialMs: 50, maxMs: 200 },
    pingIntervalMs: 200, pongTimeoutMs: 300, positionsIntervalMs: 60_000, ordersLookbackMs: 3_600_000, recoveryOverlapMs: 60_000, concentrationLimit: 0.6, ...over,
  });
  afterEach(async () => {
    await connector?.stop();
    connector = undefined;
    await sim.stop();
  });

  it('stops for good when Alpaca refuses the key, saying which variables to check and never the secret', async () => {
    sim = await AlpacaTradingSimulator.start(KEYS);
    connector = new AlpacaTradingConnector(options({ secretKey: 'wrong-secret-0123456789' }));
    await expect(connector.start(new MemorySink())).rejects.toThrow(/Alpaca refused the key .*ALPACA_KEY_ID \/ ALPACA_SECRET_KEY/);
    expect(connector.status()).toMatchObject({ state: 'failed', sessions: 1 });
    expect(JSON.stringify(connector.status())).not.toContain('wrong-secret');
  });

  it('publishes a fill with its order state, execution and the position read after it, from text frames too', async () => {
    sim = await AlpacaTradingSimulator.start({ ...KEYS, frames: 'text' });
    const sink = new MemorySink();
    connector = new AlpacaTradingConnector(options());
    await connector.start(sink);
    const order = sim.submit({ symbol: 'AAPL', side: 'buy', qty: 10 });
    sim.fill(order.id, 10, 190.25);
    await waitFor('the fill, its execution and position', () => sink.records.some((r) => r.kind === 'position' && r.value.quantity === '10.00000000'), 10_000, 20);
    const kinds = sink.records.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'execution')).toHaveLength(1);
    expect(sink.records.find((r) => r.kind === 'execution')?.value).toMatchObject({ executionId: `${order.id}@10.00000000`, price: '190.25000000', accountAlias: 'paper' });
    // One position, all of the book: a concentration event (share 1 > 0.6), once.
    expect(sink.records.filter((r) => r.kind === 'risk_event').map((r) => r.value)).toMatchObject([{ type: 'position_concentration', symbol: 'AAPL', severity: 'CRITICAL' }]);
    expect(sink.rejected).toEqual([]);
  });

  it('replaces a socket that stops answering pings, and reads back what it missed', async () => {
    sim = await AlpacaTradingSimulator.start(KEYS);
    const sink = new MemorySink();
    connector = new AlpacaTradingConnector(options());
    await connector.start(sink);
    sim.silence(2_000);
    const order = sim.submit({ symbol: 'MSFT', side: 'buy', qty: 5, type: 'limit', limitPrice: 400 });
    await waitFor('a new session after the silent one', () => connector!.status().sessions >= 2 && connector!.status().state === 'listening', 10_000, 20);
    await waitFor('the missed order, read over REST', () => sink.records.some((r) => r.kind === 'order' && r.value.orderId === order.id), 10_000, 20);
    expect(connector.status().recoveries).toBeGreaterThanOrEqual(2);
  });
});
