import { Alpaca, type TradingClient } from '@alpacahq/alpaca-trade-api';
import { decode } from '@msgpack/msgpack';
import { WebSocket } from 'ws';
import { waitFor } from '@md/testing';
import { AlpacaTradingSimulator, type AlpacaTradingSimulatorOptions } from './alpaca-trading-simulator';

const KEYS = { keyId: 'PKTRADESIM01', secretKey: 'trade-sim-secret' };
const AUTH = { 'APCA-API-KEY-ID': KEYS.keyId, 'APCA-API-SECRET-KEY': KEYS.secretKey };
type Stream = ReturnType<TradingClient['stream']>;
type Update = Parameters<Parameters<Stream['onTradeUpdate']>[0]>[0];
type Wire = Record<string, any>;

/** A bare WebSocket client that records every frame, decoded, and whether it came binary. */
class Probe {
  readonly messages: Wire[] = [];
  readonly binary: boolean[] = [];
  readonly ws: WebSocket;
  closeCode?: number;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    const msgpack = headers['Content-Type'] === 'application/msgpack';
    this.ws.on('message', (data: Buffer, binary) => {
      this.binary.push(binary);
      this.messages.push((msgpack ? decode(data) : JSON.parse(data.toString())) as Wire);
    });
    this.ws.on('close', (code) => (this.closeCode = code));
    this.ws.on('error', () => undefined);
  }

  async expect(fields: Wire): Promise<Wire> {
    const like = (m: Wire) => Object.entries(fields).every(([k, v]) => JSON.stringify(m[k]) === JSON.stringify(v));
    return (await waitFor(`a message like ${JSON.stringify(fields)}`, () => this.messages.find(like), 5000, 10))!;
  }

  async listening(auth: Wire = { action: 'auth', key: KEYS.keyId, secret: KEYS.secretKey }): Promise<this> {
    await waitFor('the socket open', () => this.ws.readyState === WebSocket.OPEN, 5000, 10);
    this.ws.send(JSON.stringify(auth));
    await this.expect({ stream: 'authorization', data: { action: 'authenticate', status: 'authorized' } });
    this.ws.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates', 'account_updates'] } }));
    await this.expect({ stream: 'listening', data: { streams: ['trade_updates'] } });
    return this;
  }

  updates(): Wire[] {
    return this.messages.filter((m) => m.stream === 'trade_updates').map((m) => m.data);
  }
}

describe('Alpaca trading simulator', () => {
  let sim: AlpacaTradingSimulator;
  const streams: Stream[] = [];
  const probes: Probe[] = [];
  const start = async (options: Partial<AlpacaTradingSimulatorOptions> = {}) =>
    (sim = await AlpacaTradingSimulator.start({ ...KEYS, startTime: '2024-07-01T13:30:00Z', ...options }));
  afterEach(async () => {
    for (const s of streams.splice(0)) s.disconnect();
    for (const p of probes.splice(0)) p.ws.terminate();
    await sim?.stop();
  });

  /**
   * The official client, its REST pointed at the simulator. timeoutMs 0: the client keeps a request's
   * 30 s deadline armed until the body is read, and it never reads the empty body of a 204 (DELETE).
   */
  const client = (secretKey = KEYS.secretKey): TradingClient => {
    const fetchApi = (url: string | URL | Request, init?: RequestInit) => fetch(String(url).replace('https://paper-api.alpaca.markets', sim.url), init);
    return new Alpaca({ keyId: KEYS.keyId, secret: secretKey, fetchApi, retry: false, rateLimit: false, timeoutMs: 0 }).trading;
  };

  /** The official TradingStream, listening to trade_updates. */
  async function listen(trading: TradingClient, options: Parameters<TradingClient['stream']>[0] = {}): Promise<{ stream: Stream; updates: Update[] }> {
    const updates: Update[] = [];
    const stream = trading.stream({ url: sim.streamUrl, reconnect: false, ...options });
    let listening = false;
    stream.on('subscription', () => (listening = true));
    stream.onTradeUpdate((u) => updates.push(u));
    stream.subscribeTradeUpdates();
    stream.connect();
    streams.push(stream);
    await waitFor('the official stream listening', () => listening, 5000, 10);
    return { stream, updates };
  }

  const probe = (headers: Record<string, string> = {}) => {
    const p = new Probe(sim.streamUrl, headers);
    probes.push(p);
    return p;
  };

  /** A small day: REST and the market side by side; fills, a replace, a cancel, done_for_day, an expiry, a rejection, one order left open. */
  async function tradingDay(trading: TradingClient): Promise<void> {
    const buy = await trading.orders.limit({ symbol: 'AAPL', side: 'buy', qty: 10, limitPrice: 190, clientOrderId: 'day-1' });
    sim.advance(1_000);
    sim.fill(buy.id!, 4, 189.5);
    sim.advance(1_000);
    sim.fill(buy.id!, 6, 190);
    sim.fill(sim.submit({ symbol: 'MSFT', side: 'sell', qty: 5 }).id, 5, 400);
    const resting = await trading.orders.limit({ symbol: 'AAPL', side: 'sell', qty: 4, limitPrice: 200 });
    const replacement = await trading.orders.patchOrderByOrderId({ orderId: resting.id!, patchOrderRequest: { limitPrice: '199' } });
    sim.fill(replacement.id!, 1, 199.5);
    await trading.orders.deleteOrderByOrderID({ orderId: replacement.id! });
    const gtc = sim.submit({ symbol: 'SPY', side: 'buy', qty: 2, type: 'limit', limitPrice: 500, timeInForce: 'gtc' });
    sim.fill(gtc.id, 1, 499);
    sim.doneForDay(gtc.id);
    sim.advance(60_000);
    sim.expire(gtc.id);
    sim.reject(sim.submit({ symbol: 'SPY', side: 'buy', qty: 1 }).id);
    sim.submit({ symbol: 'QQQ', side: 'buy', qty: 3, type: 'limit', limitPrice: 450 });
  }

  it.each(['binary', 'text'] as const)('delivers a trading day to the official TradingStream event by event, in %s frames', async (frames) => {
    await start({ frames });
    const trading = client();
    const { updates } = await listen(trading);
    const raw = await probe().listening();
    await tradingDay(trading);
    const events = sim.events();
    await waitFor('every event', () => updates.length === events.length && raw.updates().length === events.length, 5000, 10);
    expect(raw.binary.every((b) => b === (frames === 'binary'))).toBe(true);
    expect(raw.updates()).toEqual(events);
    const fields = (u: Update) => [u.event, u.order.id, u.order.status, u.timestamp?.toISOString(), u.executionId, u.price, u.qty, u.positionQty];
    expect(updates.map(fields)).toEqual(events.map((e) => [e.event, e.order.id, e.order.status, new Date(e.timestamp).toISOString(), e.execution_id, e.price, e.qty, e.position_qty]));
    expect(events.map((e) => e.event)).toEqual([
      'new', 'partial_fill', 'fill', 'new', 'fill', 'new', 'pending_replace', 'replaced', 'new', 'partial_fill', 'pending_cancel', 'canceled',
      'new', 'partial_fill', 'done_for_day', 'expired', 'new', 'rejected', 'new',
    ]);
    const times = updates.map((u) => u.timestamp!.getTime());
    expect(times.every((t, i) => i === 0 || t > times[i - 1])).toBe(true);
    expect(updates[2].order).toMatchObject({
      clientOrderId: 'day-1', symbol: 'AAPL', side: 'buy', type: 'limit', timeInForce: 'day', qty: '10', filledQty: '10', filledAvgPrice: '189.8', limitPrice: '190', client_order_id: 'day-1',
    });
    expect(updates[2].order.filledAt).toEqual(updates[2].timestamp);
    expect(updates[7].order).toMatchObject({ status: 'replaced', replacedBy: updates[8].order.id });
    expect(updates[8].order.replaces).toBe(updates[7].order.id);
    expect([updates[4].positionQty, updates[9].positionQty]).toEqual(['-5', '9']);
  });

  it('lists orders, positions, the account and cursor-paged FILL activities over REST as the ledger holds them', async () => {
    await start();
    const trading = client();
    await tradingDay(trading);
    const ledger = sim.ledger();
    const orders = await trading.orders.getAllOrders({ status: 'all', direction: 'asc', limit: 500 });
    expect(orders.map((o) => [o.id, o.status, o.filledQty, o.filledAvgPrice ?? null, o.replacedBy ?? null, o.replaces ?? null])).toEqual(
      ledger.orders.map((o) => [o.id, o.status, o.filled_qty, o.filled_avg_price, o.replaced_by, o.replaces]),
    );
    expect((await trading.orders.getAllOrders()).map((o) => o.symbol)).toEqual(['QQQ']);
    expect((await trading.orders.getAllOrders({ status: 'closed', symbols: 'SPY', direction: 'desc' })).map((o) => o.status)).toEqual(['rejected', 'expired']);
    const positions = await trading.positions.getAllOpenPositions();
    expect(positions.map((p) => [p.symbol, p.qty, p.avgEntryPrice, p.side])).toEqual([['AAPL', '9', '189.8', 'long'], ['MSFT', '-5', '400', 'short'], ['SPY', '1', '499', 'long']]);
    expect(positions.map((p) => [p.symbol, p.qty, p.avgEntryPrice, p.side])).toEqual(ledger.positions.map((p) => [p.symbol, p.qty, p.avg_entry_price, p.side]));
    expect(await trading.positions.getOpenPosition({ symbolOrAssetId: 'MSFT' })).toMatchObject({ costBasis: '-2000', marketValue: '-2000', unrealizedPl: '0' });
    await expect(trading.positions.getOpenPosition({ symbolOrAssetId: 'TSLA' })).rejects.toMatchObject({ status: 404, code: 40410000 });
    expect(await trading.account.getAccount()).toMatchObject({ accountNumber: 'PA1SIM000001', status: 'ACTIVE', currency: 'USD' });

    const before = sim.restStatuses[200];
    // By type: the generated model keeps id, qty and symbol of this route's items (it reads them as non-trade activities).
    const byType = await trading.collectActivitiesByType({ activityType: 'FILL', pageSize: 2, direction: 'asc' });
    expect(byType.map((a) => [a.id, a.qty, a.symbol])).toEqual(ledger.fills.map((f) => [f.id, f.qty, f.symbol]));
    expect(sim.restStatuses[200] - before).toBe(3); // pages of 2, 2 and 1: a short page ends the cursor
    const all: Awaited<ReturnType<TradingClient['collectActivities']>> = [];
    for await (const a of trading.iterateActivities({ activityTypes: ['FILL'], pageSize: 2 })) all.push(a);
    const activity = (a: (typeof all)[number]) => ({ ...a, transactionTime: a.transactionTime?.toISOString() });
    expect(all.map(activity)).toEqual([...ledger.fills].reverse().map((f) => expect.objectContaining({
      id: f.id, activityType: 'FILL', type: f.type, price: f.price, qty: f.qty, side: f.side, symbol: f.symbol, orderId: f.order_id,
      cumQty: f.cum_qty, leavesQty: f.leaves_qty, orderStatus: f.order_status, transactionTime: new Date(f.transaction_time).toISOString(),
    })));
    expect(ledger.fills.map((f) => f.side)).toEqual(['buy', 'buy', 'sell_short', 'sell', 'buy']);
    const qqq = ledger.orders.at(-1)!.id;
    expect(await trading.orders.deleteAllOrders()).toEqual([{ id: qqq, status: 200 }]);
    expect(await trading.orders.getAllOrders()).toEqual([]);
    expect(sim.events().slice(-2).map((e) => [e.event, e.order.id])).toEqual([['pending_cancel', qqq], ['canceled', qqq]]);
  });

  it('reports avg_entry_price over REST as worked by hand: buy, buy, sell, then sell through zero', async () => {
    await start();
    const trading = client();
    const seen = [];
    for (const [side, qty, price] of [['buy', 10, 100], ['buy', 5, 106], ['sell', 6, 110], ['sell', 14, 95]] as const) {
      sim.fill(sim.submit({ symbol: 'AAPL', side, qty }).id, qty, price);
      const p = await trading.positions.getOpenPosition({ symbolOrAssetId: 'AAPL' });
      seen.push([p.qty, p.avgEntryPrice, p.side]);
    }
    // 10 @ 100; + 5 @ 106 = 1530 / 15 = 102; selling 6 keeps 102; selling 14 of 9 leaves a short of 5 at 95.
    expect(seen).toEqual([['10', '100', 'long'], ['15', '102', 'long'], ['9', '102', 'long'], ['-5', '95', 'short']]);
    sim.mark('AAPL', 90);
    expect(await trading.positions.getOpenPosition({ symbolOrAssetId: 'AAPL' })).toMatchObject({ costBasis: '-475', marketValue: '-450', unrealizedPl: '25' });
  });

  it('does not replay what happened while the client was away; REST has it', async () => {
    await start();
    const trading = client();
    const { updates } = await listen(trading, { reconnect: true, initialReconnectMs: 10, backoff: false });
    const order = sim.submit({ symbol: 'AAPL', side: 'buy', qty: 3 });
    sim.fill(order.id, 1, 100);
    await waitFor('the first two events', () => updates.length === 2, 5000, 10);
    sim.dropConnections();
    sim.fill(order.id, 1, 101);
    await waitFor('the client back and listening', () => sim.counters.listens === 2 && sim.listeners === 1, 5000, 10);
    sim.fill(order.id, 1, 102);
    await waitFor('the third event', () => updates.length === 3, 5000, 10);
    expect(updates.map((u) => [u.event, u.price ?? null])).toEqual([['new', null], ['partial_fill', '100'], ['fill', '102']]);
    expect(sim.counters).toMatchObject({ connections: 2, authentications: 2, events: 4, eventsUndelivered: 1, drops: 1 });
    const missed = await trading.collectActivities({ activityTypes: ['FILL'], after: updates[1].timestamp, until: updates[2].timestamp, direction: 'asc' });
    expect(missed.map((a) => [a.type, a.price, a.qty, a.cumQty])).toEqual([['partial_fill', '101', '1', '2']]);
  });

  it('cuts the stream right after, or just before, the n-th fill event', async () => {
    await start();
    const first = await probe().listening();
    const order = sim.submit({ symbol: 'AAPL', side: 'buy', qty: 3 });
    sim.faults.dropAfterFill = sim.counters.fillEvents + 1;
    sim.fill(order.id, 1, 10);
    sim.fill(order.id, 1, 10);
    await waitFor('the first probe cut', () => first.closeCode, 5000, 10);
    expect([first.updates().map((u) => u.event), first.closeCode]).toEqual([['new', 'partial_fill'], 1006]);
    const second = await probe({ 'Content-Type': 'application/msgpack' }).listening({ action: 'authenticate', data: { key_id: KEYS.keyId, secret_key: KEYS.secretKey } });
    sim.faults.dropBeforeFill = sim.counters.fillEvents + 1;
    sim.fill(order.id, 1, 10);
    await waitFor('the second probe cut', () => second.closeCode, 5000, 10);
    expect([second.updates().length, second.binary.every(Boolean)]).toEqual([0, true]);
    expect(sim.counters).toMatchObject({ fillEvents: 3, drops: 2, eventsUndelivered: 2 });
  });

  it('goes silent: no pong, so the official client gives up on the socket and comes back', async () => {
    await start();
    // The client clears a pong wait at its next ping: the wait must be the shorter.
    await listen(client(), { reconnect: true, pingIntervalMs: 40, pongWaitMs: 20, initialReconnectMs: 10, backoff: false });
    sim.silence(60_000);
    sim.submit({ symbol: 'AAPL', side: 'buy', qty: 1 });
    await waitFor('a second connection listening', () => sim.counters.connections === 2 && sim.counters.listens === 2 && sim.listeners === 1, 5000, 10);
    expect(sim.counters.eventsUndelivered).toBe(1);
  });

  it('refuses bad keys: 403 without keys, 401 with wrong ones, unauthorized on the stream and closed', async () => {
    await start();
    const bare = await fetch(`${sim.url}/v2/account`);
    expect([bare.status, await bare.json()]).toEqual([403, { code: 40310000, message: 'forbidden.' }]);
    await expect(client('wrong').account.getAccount()).rejects.toMatchObject({ status: 401, code: 40110000 });
    const stream = client('wrong').stream({ url: sim.streamUrl, reconnect: false });
    streams.push(stream);
    stream.connect();
    expect(await stream.whenAuthenticated()).toMatchObject({ authenticated: false });
    const raw = probe();
    await waitFor('the socket open', () => raw.ws.readyState === WebSocket.OPEN, 5000, 10);
    raw.ws.send(JSON.stringify({ action: 'auth', key: KEYS.keyId, secret: 'wrong' }));
    await raw.expect({ stream: 'authorization', data: { action: 'authenticate', status: 'unauthorized' } });
    await waitFor('the socket closed', () => raw.closeCode, 5000, 10);
    expect(sim.counters).toMatchObject({ authFailures: 2, authentications: 0 });
  });

  it('answers 400 naming a bad parameter, and 404 and 422 as Alpaca does', async () => {
    await start();
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${sim.url}${path}`, { ...init, headers: { ...AUTH, 'content-type': 'application/json' } });
      return [res.status, res.status === 204 ? null : await res.json()];
    };
    const filled = sim.submit({ symbol: 'AAPL', side: 'buy', qty: 1 });
    sim.fill(filled.id, 1, 100);
    expect(await call('/v2/orders?limit=501')).toEqual([400, { code: 40010000, message: 'invalid limit: must be between 1 and 500' }]);
    expect(await call('/v2/orders?status=pending')).toEqual([400, { code: 40010000, message: 'invalid status: must be one of open, closed, all' }]);
    expect(await call('/v2/orders?after=yesterday')).toEqual([400, { code: 40010000, message: 'invalid after: expected RFC-3339 or YYYY-MM-DD' }]);
    expect(await call('/v2/account/activities/FILL?page_size=101')).toEqual([400, { code: 40010000, message: 'invalid page_size: must be between 1 and 100' }]);
    expect(await call('/v2/account/activities?page_token=nope')).toEqual([400, { code: 40010000, message: 'invalid page_token' }]);
    expect(await call('/v2/account/activities/FFFFF')).toEqual([422, { code: 40010001, message: 'invalid activity type: FFFFF' }]);
    expect(await call('/v2/positions/TSLA')).toEqual([404, { code: 40410000, message: 'position does not exist' }]);
    expect(await call(`/v2/orders/${filled.client_order_id}`)).toEqual([404, { code: 40410000, message: 'order not found' }]);
    expect(await call(`/v2/orders/${filled.id}`, { method: 'DELETE' })).toEqual([422, { code: 42210000, message: 'order is already in "filled" state' }]);
    expect(await call('/v2/orders', { method: 'POST', body: JSON.stringify({ symbol: 'AAPL', qty: '1', side: 'buy', time_in_force: 'day' }) })).toEqual([422, { code: 40010001, message: 'type is required' }]);
    expect(await call(`/v2/orders:by_client_order_id?client_order_id=${filled.client_order_id}`)).toEqual([200, expect.objectContaining({ id: filled.id, status: 'filled' })]);
  });
});
