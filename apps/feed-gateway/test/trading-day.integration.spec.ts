import { LOCAL_STACK } from '@md/config';
import { TOPICS, type CleanBar } from '@md/contracts';
import { SchemaCodec, createIdempotentProducer } from '@md/kafka';
import { fromScaled, parseDecimal, toScaled } from '@md/market';
import { AlpacaTradingSimulator } from '@md/account-simulators';
import { exitCode, finishSliceRun, httpJson, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';

// Integration, the whole path of issue 17: the Alpaca paper-trading simulator (REST + the
// trade_updates stream), the gateway's account connector, md.orders/executions/positions.v1, the
// writer's trading tables. A simulated day: orders placed, partly filled, replaced, cancelled,
// expired, rejected; the writer SIGKILLed mid-day; the stream cut twice, once just before a
// fill goes out. The tables must end equal to the simulator's ledger, every fill once, and each
// position must equal the broker's after each fill while connected. P&L is checked against bars
// published on md.bars.v1, computed here in exact decimals.

const KEYS = { keyId: 'PKSIMTRADING01', secretKey: 'sim-trading-secret-0123456789' };
const EXACT = 10n ** 8n;

/** quantity x (close - entry), rounded half away from zero to 8 places, as numeric's round(). */
function pnl(quantity: string, close: string, entry: string): string {
  const product = toScaled(quantity) * (toScaled(close) - toScaled(entry));
  const rounded = (product >= 0n ? product + EXACT / 2n : product - EXACT / 2n) / EXACT;
  return fromScaled(rounded);
}

describe('a simulated trading day through the Alpaca account connector (integration)', () => {
  let slice: SliceRun;
  let sim: AlpacaTradingSimulator;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('T');
    sim = await AlpacaTradingSimulator.start({ ...KEYS, startTime: new Date() });
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await sim?.stop();
    await finishSliceRun(slice);
  });

  it('ends with the ledger in the tables, every fill once, through a writer kill and two stream cuts', async () => {
    const alias = `acct-${slice.run.toLowerCase()}`;
    const q = async <T>(sql: string) => (await slice.db.query<T>(sql, [alias])).rows;
    const startWriter = async () => {
      const writer = await startService('timescale-writer', slice.writerEnv, `test-${slice.run}-writer`);
      services.push(writer);
      await waitReady(writer);
      return writer;
    };
    let writer = await startWriter();
    const gateway = await startService('feed-gateway', {
      ALPACA_ACCOUNT_ALIAS: alias, ALPACA_KEY_ID: KEYS.keyId, ALPACA_SECRET_KEY: KEYS.secretKey, ALPACA_TRADING_URL: sim.url, ALPACA_TRADING_STREAM_URL: sim.streamUrl,
      ALPACA_POSITIONS_INTERVAL_MS: '3000', ALPACA_RECONNECT_MAX_MS: '1000', ALPACA_PING_INTERVAL_MS: '2000', ALPACA_PONG_TIMEOUT_MS: '3000',
    }, `test-${slice.run}-gateway`);
    services.push(gateway);
    await waitReady(gateway);
    await waitFor('the connector to listen', () => sim.counters.listens >= 1, 30_000, 100);

    const stored = async () => ({
      orders: (await q<{ order_id: string; status: string; filled: string; avg: string | null }>(
        `SELECT order_id, status, filled_quantity::text AS filled, average_fill_price::text AS avg FROM ${slice.schema}.orders WHERE account_alias = $1 ORDER BY order_id`)),
      fills: (await q<{ execution_id: string; price: string; quantity: string }>(
        `SELECT execution_id, price::text, quantity::text FROM ${slice.schema}.executions WHERE account_alias = $1 ORDER BY execution_id`)),
      positions: (await q<{ symbol: string; quantity: string; entry: string }>(
        `SELECT symbol, quantity::text, average_entry_price::text AS entry FROM ${slice.schema}.positions WHERE account_alias = $1 AND quantity <> 0 ORDER BY symbol`)),
    });
    const ledger = () => {
      const l = sim.ledger();
      return {
        orders: l.orders.map((o) => ({ order_id: o.id, status: o.status, filled: parseDecimal(o.filled_qty), avg: o.filled_avg_price === null ? null : parseDecimal(o.filled_avg_price) }))
          .sort((a, b) => a.order_id.localeCompare(b.order_id)),
        fills: l.fills.map((f) => ({ execution_id: `${f.order_id}@${parseDecimal(f.cum_qty)}`, price: parseDecimal(f.price), quantity: parseDecimal(f.qty) }))
          .sort((a, b) => a.execution_id.localeCompare(b.execution_id)),
        positions: l.positions.map((p) => ({ symbol: p.symbol, quantity: parseDecimal(p.qty), entry: parseDecimal(p.avg_entry_price) }))
          .sort((a, b) => a.symbol.localeCompare(b.symbol)),
      };
    };
    const settle = (what: string) => waitFor(`the tables to equal the ledger (${what})`, async () => JSON.stringify(await stored()) === JSON.stringify(ledger()), 90_000, 250);
    const positionOf = async (symbol: string) => (await stored()).positions.find((p) => p.symbol === symbol);
    const brokerPosition = (symbol: string) => ledger().positions.find((p) => p.symbol === symbol);
    const afterFill = (symbol: string) => waitFor(`${symbol}'s position to equal the broker's after the fill`,
      async () => JSON.stringify(await positionOf(symbol)) === JSON.stringify(brokerPosition(symbol)), 30_000, 100);

    // Morning, connected: each position equals the broker's after each fill.
    const o1 = sim.submit({ symbol: 'AAPL', side: 'buy', qty: 100, type: 'limit', limitPrice: 190 });
    sim.fill(o1.id, 40, 189.5);
    await afterFill('AAPL');
    sim.fill(o1.id, 60, 189.9);
    await afterFill('AAPL');
    const o2 = sim.submit({ symbol: 'MSFT', side: 'buy', qty: 50, type: 'limit', limitPrice: 400 });
    const o3 = sim.replace(o2.id, { qty: 60, limitPrice: 401 });
    sim.fill(o3.id, 30, 400.5);
    await afterFill('MSFT');
    await settle('morning');

    // The writer dies mid-day; the gateway keeps publishing, the restarted writer stores the rest once.
    writer.process.kill('SIGKILL');
    await exitCode(writer);
    const o4 = sim.submit({ symbol: 'AAPL', side: 'sell', qty: 30 });
    sim.fill(o4.id, 30, 191.25);
    // First cut: what happens before the connector is back is not on the stream; REST recovers it.
    sim.dropConnections();
    sim.cancel(o3.id);
    const o5 = sim.submit({ symbol: 'TSLA', side: 'buy', qty: 10, type: 'limit', limitPrice: 250 });
    sim.fill(o5.id, 4, 249.5);
    writer = await startWriter();
    await settle('after the writer kill and the first cut');

    // Second cut, during a fill: the connection drops just before the fill event goes out.
    const listens = sim.counters.listens;
    sim.faults.dropBeforeFill = sim.counters.fillEvents + 1;
    sim.fill(o5.id, 6, 249.75);
    const o6 = sim.submit({ symbol: 'AAPL', side: 'buy', qty: 5, type: 'limit', limitPrice: 180 });
    sim.expire(o6.id);
    const o7 = sim.submit({ symbol: 'MSFT', side: 'sell', qty: 10 });
    sim.reject(o7.id);
    await waitFor('the connector to listen again', () => sim.counters.listens > listens, 30_000, 100);
    await settle('end of day');
    const end = await stored();
    expect(end.fills).toHaveLength(6);
    expect(end.orders.map((o) => o.status).sort()).toEqual(['canceled', 'expired', 'filled', 'filled', 'filled', 'rejected', 'replaced']);
    expect(sim.counters.eventsUndelivered).toBeGreaterThanOrEqual(4);

    // Marks: bars on md.bars.v1 move every position; P&L = quantity x (close - average entry).
    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const producer = createIdempotentProducer(slice.kafka);
    await producer.connect();
    const closes: Record<string, string> = { AAPL: '192.37000000', MSFT: '399.12345678', TSLA: '251.01000000' };
    const minute = Math.floor(Date.now() / 60_000) * 60_000 * 1000;
    for (const [symbol, close] of Object.entries(closes)) {
      const bar: CleanBar = {
        symbol, timeframe: '1m', provider: 'test', eventTime: minute, ingestTime: minute, open: close, high: close, low: close, close,
        volume: 100, tradeCount: null, vwap: null, revision: 0, session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
      };
      await producer.send({ topic: TOPICS.bars, messages: [{ key: symbol, value: await codec.encode(TOPICS.bars, bar) }] });
    }
    await producer.disconnect();
    const marks = () => q<{ symbol: string; quantity: string; entry: string; mark: string | null; pnl: string | null }>(
      `SELECT symbol, quantity::text, average_entry_price::text AS entry, mark_price::text AS mark, unrealized_pnl::text AS pnl
         FROM ${slice.schema}.positions_marked WHERE account_alias = $1 AND quantity <> 0 ORDER BY symbol`);
    await waitFor('every position marked to its bar', async () => (await marks()).every((p) => p.mark === closes[p.symbol]), 60_000, 250);
    const marked = await marks();
    expect(marked.map((p) => p.symbol)).toEqual(['AAPL', 'MSFT', 'TSLA']);
    for (const p of marked) expect(p.pnl).toBe(pnl(p.quantity, closes[p.symbol], p.entry));

    // The read API over the same tables: bounded, validated, the account's alias only.
    const day = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
    const api = async (path: string) => httpJson(writer.port, path);
    expect((await api(`/v1/orders?${day}&limit=100&account=${alias}`)).body).toMatchObject({ count: 7, truncated: false });
    expect((await api(`/v1/orders?${day}&limit=2&account=${alias}`)).body).toMatchObject({ count: 2, truncated: true });
    const history = (await api(`/v1/orders/${o5.id}`)).body;
    expect(history.executions.map((e: { quantity: string }) => e.quantity)).toEqual(['4.00000000', '6.00000000']);
    expect((await api(`/v1/executions?${day}&limit=100&symbol=TSLA`)).body.count).toBe(2);
    const apiPositions = (await api(`/v1/positions?account=${alias}`)).body.positions;
    expect(apiPositions.map((p: { symbol: string; unrealized_pnl: string }) => [p.symbol, p.unrealized_pnl])).toEqual(marked.map((p) => [p.symbol, p.pnl]));
    const risks = (await api(`/v1/risk-events?${day}&limit=100&type=position_concentration`)).body.riskEvents;
    expect(risks.length).toBeGreaterThan(0);
    expect(risks.every((r: { account_alias: string }) => r.account_alias === alias)).toBe(true);
    expect(await api(`/v1/orders?${day}`)).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^query parameter limit/) } });
    expect(await api(`/v1/positions?account=${encodeURIComponent("x' OR 1=1 --")}`)).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^query parameter account/) } });
  }, 300_000);
});
