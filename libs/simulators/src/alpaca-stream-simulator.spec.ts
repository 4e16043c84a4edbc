import { join } from 'node:path';
import { Alpaca } from '@alpacahq/alpaca-trade-api';
import { EXT_TIMESTAMP, ExtensionCodec, decode, decodeTimestampToTimeSpec } from '@msgpack/msgpack';
import { WebSocket } from 'ws';
import type { RawBar } from '@md/contracts';
import { waitFor } from '@md/testing';
import { AlpacaStreamSimulator } from './alpaca-stream-simulator';
import { recordedBars } from './minute-csv';
import { DBB_MINUTE_FILE, fixturesDir } from '@md/fixtures';

const KEY = 'PKSIMKEY0001';
const SECRET = 'simSecret-0001';
const DBB = recordedBars(join(fixturesDir(), DBB_MINUTE_FILE), 'DBB', 50);
const FAKEPACA = DBB.map((bar) => ({ ...bar, symbol: 'FAKEPACA' }));
const TRADE = {
  symbol: 'DBB', provider: 'alpaca', eventTime: DBB[0].eventTime + 1_234_567, ingestTime: 0, price: '17.90000000', size: 100,
  exchange: 'V', tradeId: '7', conditions: ['@'], tape: 'B', correction: 'NONE' as const,
};

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A bare WebSocket client that records every frame, decoded. */
class Probe {
  readonly frames: unknown[] = [];
  readonly binary: Buffer[] = [];
  readonly ws: WebSocket;
  pongs = 0;
  closed = false;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data: Buffer, binary) => {
      if (binary) this.binary.push(data);
      this.frames.push(binary ? decode(data) : parseOrText(data.toString()));
    });
    this.ws.on('pong', () => this.pongs++);
    this.ws.on('close', () => (this.closed = true));
    this.ws.on('error', () => undefined);
  }

  send(request: object): void {
    this.ws.send(JSON.stringify(request));
  }

  /** Waits for a frame holding a message with these fields. */
  async expect(fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    const matches = (m: Record<string, unknown>) => Object.entries(fields).every(([k, v]) => JSON.stringify(m[k]) === JSON.stringify(v));
    const found = await waitFor(`a message like ${JSON.stringify(fields)}`, () => this.messages().find(matches), 5000, 10);
    return found!;
  }

  messages(): Record<string, unknown>[] {
    return this.frames.flat() as Record<string, unknown>[];
  }

  async authenticated(): Promise<this> {
    await this.expect({ T: 'success', msg: 'connected' });
    this.send({ action: 'auth', key: KEY, secret: SECRET });
    await this.expect({ T: 'success', msg: 'authenticated' });
    return this;
  }
}

describe('Alpaca stream simulator', () => {
  let sim: AlpacaStreamSimulator;
  const probes: Probe[] = [];
  const probe = (path = '/v2/iex', headers: Record<string, string> = {}) => {
    const p = new Probe(`${sim.url}${path}`, headers);
    probes.push(p);
    return p;
  };

  beforeEach(async () => {
    sim = await AlpacaStreamSimulator.start({ key: KEY, secret: SECRET, bars: DBB, updatedBars: [{ ...DBB[0], close: '99.00000000' }], trades: [TRADE], feeds: ['iex', 'test'], authTimeoutMs: 300 });
  });
  afterEach(async () => {
    probes.splice(0).forEach((p) => p.ws.terminate());
    await sim.close();
  });

  it('greets, authenticates, acknowledges the full subscription state and streams bars as b messages', async () => {
    const p = await probe().authenticated();
    p.send({ action: 'subscribe', bars: ['DBB'], trades: ['DBB'] });
    await p.expect({ T: 'subscription', trades: ['DBB'], bars: ['DBB'], corrections: ['DBB'], cancelErrors: ['DBB'] });
    expect(sim.emitNext(3)).toBe(3);
    const bar = await p.expect({ T: 'b', t: '2023-07-10T13:30:00Z' });
    expect(bar).toEqual({ T: 'b', S: 'DBB', o: 17.9, h: 17.91, l: 17.9, c: 17.91, v: 3057, t: '2023-07-10T13:30:00Z' });
    p.send({ action: 'unsubscribe', bars: ['DBB'], trades: ['DBB'] });
    await waitFor('an empty acknowledgement', () => p.messages().some((m) => m.T === 'subscription' && Object.keys(m).length === 1), 5000, 10);
  });

  it('authenticates with the APCA-API-* headers', async () => {
    const p = probe('/v2/iex', { 'APCA-API-KEY-ID': KEY, 'APCA-API-SECRET-KEY': SECRET });
    await p.expect({ T: 'success', msg: 'authenticated' });
  });

  it('answers protocol mistakes with the documented codes', async () => {
    const early = probe();
    await early.expect({ T: 'success', msg: 'connected' });
    early.send({ action: 'subscribe', bars: ['DBB'] });
    await early.expect({ T: 'error', code: 401, msg: 'not authenticated' });
    early.send({ action: 'auth', key: KEY, secret: 'wrong' });
    await early.expect({ T: 'error', code: 402, msg: 'auth failed' });

    const p = await probe().authenticated();
    p.send({ action: 'auth', key: KEY, secret: SECRET });
    await p.expect({ T: 'error', code: 403 });
    for (const bad of [{ action: 'subscribe', bars: [] }, { action: 'subscribe', news: ['DBB'] }, { action: 'levitate' }]) p.send(bad);
    p.ws.send('{not json');
    await waitFor('four 400s', () => p.messages().filter((m) => m.code === 400).length === 4, 5000, 10);
    expect(p.closed).toBe(false); // errors are messages, not disconnects
  });

  it('times out an unauthenticated client with 404, and refuses an unentitled feed with 409 at auth', async () => {
    const idle = probe();
    await idle.expect({ T: 'error', code: 404, msg: 'auth timeout' });
    await waitFor('the socket closed', () => idle.closed, 5000, 10);

    const sip = probe('/v2/sip');
    await sip.expect({ T: 'success', msg: 'connected' });
    sip.send({ action: 'auth', key: KEY, secret: SECRET });
    await sip.expect({ T: 'error', code: 409, msg: 'insufficient subscription' });
    expect(sip.closed).toBe(false);
  });

  it('refuses a second session with 406 and closes it, and can refuse on demand', async () => {
    await probe().authenticated();
    const second = probe();
    await second.expect({ T: 'success', msg: 'connected' });
    second.send({ action: 'auth', key: KEY, secret: SECRET });
    await second.expect({ T: 'error', code: 406, msg: 'connection limit exceeded' });
    await waitFor('the second socket closed', () => second.closed, 5000, 10);

    sim.dropConnections();
    sim.refuseNextWith(406);
    const third = probe();
    await third.expect({ T: 'success', msg: 'connected' });
    third.send({ action: 'auth', key: KEY, secret: SECRET });
    await third.expect({ T: 'error', code: 406 });
  });

  it('answers 405 over the symbol limit and keeps the subscriptions as they were', async () => {
    sim.setSymbolLimit(2);
    const p = await probe().authenticated();
    p.send({ action: 'subscribe', bars: ['A', 'B'] });
    await p.expect({ T: 'subscription', bars: ['A', 'B'] });
    p.send({ action: 'subscribe', bars: ['C'] });
    await p.expect({ T: 'error', code: 405, msg: 'symbol limit exceeded' });
    expect(sim.sessions()[0].subscriptions.bars).toEqual(['A', 'B']);
  });

  it('speaks MessagePack when asked, with t as the timestamp extension carrying nanoseconds', async () => {
    const p = probe('/v2/iex', { 'Content-Type': 'application/msgpack' });
    await p.authenticated();
    p.send({ action: 'subscribe', bars: ['DBB'], trades: ['DBB'] });
    await p.expect({ T: 'subscription', bars: ['DBB'] });
    sim.emitNext(2);
    const bar = await waitFor('a bar', () => p.messages().find((m) => m.T === 'b'), 5000, 10);
    expect(bar?.t).toEqual(new Date('2023-07-10T13:30:00Z')); // @msgpack/msgpack's default decoding of ext -1
    const timeSpecs = new ExtensionCodec();
    timeSpecs.register({ type: EXT_TIMESTAMP, encode: () => null, decode: decodeTimestampToTimeSpec });
    const trade = p.binary.flatMap((data) => decode(data, { extensionCodec: timeSpecs }) as Record<string, unknown>[]).find((m) => m.T === 't');
    expect(trade?.t).toEqual({ sec: Math.floor(TRADE.eventTime / 1e6), nsec: 234_567_000 });
  });

  it('goes silent: without pongs (a dead peer) or with pongs but no data (a stalled feed)', async () => {
    const p = await probe().authenticated();
    p.send({ action: 'subscribe', bars: ['DBB'] });
    await p.expect({ T: 'subscription' });
    sim.goSilent(60_000, { pongs: true });
    sim.emitNext(5);
    p.ws.ping();
    await waitFor('a pong', () => p.pongs === 1, 5000, 10);
    sim.goSilent(60_000);
    p.ws.ping();
    await new Promise((r) => setTimeout(r, 200)); // proving an absence: a pong would have come within ms
    expect(p.pongs).toBe(1);
    expect(p.messages().some((m) => m.T === 'b')).toBe(false);
  });

  it('flags a slow client with 407 and closes it', async () => {
    const p = await probe().authenticated();
    sim.flagSlowClient();
    await p.expect({ T: 'error', code: 407, msg: 'slow client' });
    await waitFor('the socket closed', () => p.closed, 5000, 10);
  });

  it('replays at a given rate, sends raw frames, and serves sent bars (latest version) for backfill', async () => {
    const p = await probe().authenticated();
    p.send({ action: 'subscribe', bars: ['DBB'], updatedBars: ['DBB'] });
    await p.expect({ T: 'subscription' });
    sim.sendRaw('[{"T":');
    const started = Date.now();
    sim.play(200);
    await waitFor('the whole recording', () => sim.remaining === 0, 5000, 10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150); // 52 entries at 200/s
    await waitFor('every bar', () => p.messages().filter((m) => m.T === 'b').length === DBB.length, 5000, 10);
    expect(p.frames).toContain('[{"T":');
    const pages: RawBar[][] = [];
    for await (const page of sim.historical(20).bars(['DBB'], '1m', DBB[0].eventTime, DBB[10].eventTime)) pages.push(page);
    expect(pages.flat().map((b) => b.eventTime)).toEqual(DBB.slice(0, 10).map((b) => b.eventTime));
    expect(pages[0][0].close).toBe('99.00000000'); // the updated bar replaced the original
  });

  it('is spoken by the official client (@alpacahq/alpaca-trade-api): connect, auth, subscribe, bars', async () => {
    sim = await restart({ key: KEY, secret: SECRET, bars: FAKEPACA });
    const stream = new Alpaca({ keyId: KEY, secret: SECRET }).marketData.stockStream({ url: `${sim.url}/v2/test`, reconnect: false });
    const bars: { symbol: string; close: number; timestamp: Date }[] = [];
    stream.onBar((bar) => bars.push(bar));
    stream.onConnect(() => stream.subscribeForBars(['FAKEPACA']));
    stream.connect();
    try {
      await expect(stream.waitForAuthentication(5000)).resolves.toBe(true);
      // It subscribes twice: its onConnect listener runs before its own resubscribe(); both are acknowledged.
      await waitFor('the subscription', () => sim.sessions()[0]?.subscriptions.bars.includes('FAKEPACA'), 5000, 10);
      expect(sim.sessions()[0]).toMatchObject({ feed: 'test', msgpack: true });
      sim.emitNext(FAKEPACA.length);
      await waitFor('every bar', () => bars.length === FAKEPACA.length, 5000, 10);
      expect(bars[0]).toMatchObject({ symbol: 'FAKEPACA', close: 17.91, timestamp: new Date('2023-07-10T13:30:00Z') });
    } finally {
      stream.disconnect();
    }
  });

  async function restart(options: Parameters<typeof AlpacaStreamSimulator.start>[0]): Promise<AlpacaStreamSimulator> {
    await sim.close();
    return AlpacaStreamSimulator.start(options);
  }
});
