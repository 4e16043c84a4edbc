import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { EXT_TIMESTAMP, ExtensionCodec, decode, encode, encodeTimeSpecToTimestamp } from '@msgpack/msgpack';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { QuoteRecord, RawBar, Timeframe, TradeRecord } from '@md/contracts';
import { parseDecimal, parseTimestamp } from '@md/market';

// A protocol-faithful Alpaca market data v2 stream (docs.alpaca.markets "WebSocket Stream" and
// "Real-time Stock Data") on 127.0.0.1, with fault injection. It replays a recorded timeline the way
// the market would: one clock for everyone, so a client that is away misses what happens meanwhile
// and must backfill through `historical()`, which knows only what has already been sent.
// Where the docs are silent it follows first-hand captures of the real server: errors 400/405/409
// leave the socket open; an acknowledgement omits channels with no symbols; `trades` attaches
// `corrections` and `cancelErrors`.

const CHANNELS = ['trades', 'quotes', 'bars', 'updatedBars', 'dailyBars', 'statuses', 'lulds', 'imbalances'] as const;
type Channel = (typeof CHANNELS)[number];
const FEED_PATH = /^\/v2\/(iex|sip|delayed_sip|test)$/;
const CHANNEL_OF_TYPE: Record<string, Channel> = { t: 'trades', c: 'trades', x: 'trades', q: 'quotes', b: 'bars', u: 'updatedBars', d: 'dailyBars', s: 'statuses', l: 'lulds', i: 'imbalances' };
const ERRORS: Record<number, string> = {
  400: 'invalid syntax', 401: 'not authenticated', 402: 'auth failed', 403: 'already authenticated', 404: 'auth timeout', 405: 'symbol limit exceeded',
  406: 'connection limit exceeded', 407: 'slow client', 408: 'v2 not enabled', 409: 'insufficient subscription', 500: 'internal error',
};
const MINUTE_US = 60_000_000;

/** A wire timestamp: RFC-3339 text in JSON, the msgpack timestamp extension (-1) in MessagePack, with nanoseconds. */
class WireTime {
  constructor(readonly us: number) {}
  toJSON(): string {
    const fraction = this.us % 1_000_000;
    const seconds = new Date(Math.floor(this.us / 1000)).toISOString().slice(0, 19);
    return fraction ? `${seconds}.${String(fraction * 1000).padStart(9, '0')}Z` : `${seconds}Z`;
  }
}
const msgpackCodec = new ExtensionCodec();
msgpackCodec.register({
  type: EXT_TIMESTAMP,
  encode: (v) => (v instanceof WireTime ? encodeTimeSpecToTimestamp({ sec: Math.floor(v.us / 1e6), nsec: (v.us % 1e6) * 1000 }) : null),
  decode: (data) => data,
});

type Wire = Record<string, unknown>;
interface Entry { atUs: number; symbol: string; channel: Channel; message: Wire; bar?: RawBar }

export interface AlpacaSimulatorOptions {
  /** Credentials the server accepts (message or APCA-API-KEY-ID / APCA-API-SECRET-KEY headers). */
  key: string;
  secret: string;
  /** Minute bars, sent as `b` right after their minute ends (docs: "Minute Bars"). */
  bars?: readonly RawBar[];
  /** Updated bars, sent as `u` after the half-minute mark following their minute (docs: "Updated Bars"). */
  updatedBars?: readonly RawBar[];
  trades?: readonly TradeRecord[];
  quotes?: readonly QuoteRecord[];
  /** Raw wire messages at provider times (corrections, cancels, statuses, LULDs, daily bars). */
  messages?: readonly { atUs: number; message: Wire }[];
  /** Feeds the credentials are entitled to; others get 409 at auth. Default all. */
  feeds?: readonly string[];
  /** Authenticated sessions allowed at once; Alpaca's default for most plans is 1. */
  connectionLimit?: number;
  /** Symbols allowed per channel; a subscribe going over gets 405. Default unlimited. */
  symbolLimit?: number;
  /** Docs: "you only have 10 seconds" to authenticate. */
  authTimeoutMs?: number;
  /** Data messages per frame at most (the server batches). Default 10. */
  maxMessagesPerFrame?: number;
  /** A session whose send buffer exceeds this is a slow client: 407, then closed. Default 8 MiB. */
  slowClientBytes?: number;
}

export interface SimulatorCounters {
  connections: number;
  authentications: number;
  authFailures: number;
  subscriptions: number;
  dataMessages: number;
  historicalRequests: number;
  errors: Record<number, number>;
  /** Date.now() of each accepted connection. */
  connectedAt: number[];
}

class Session {
  authenticated = false;
  readonly subs = new Map<Channel, Set<string>>(CHANNELS.map((c) => [c, new Set<string>()]));
  silentUntil = 0;
  pongsOff = false;
  readonly msgpack: boolean;
  readonly feed: string;
  authTimer?: NodeJS.Timeout;

  constructor(readonly ws: WebSocket, req: IncomingMessage) {
    this.msgpack = `${req.headers['content-type'] ?? ''} ${req.headers.accept ?? ''}`.includes('application/msgpack');
    this.feed = FEED_PATH.exec(req.url ?? '')?.[1] ?? '';
  }

  send(messages: Wire[]): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(this.msgpack ? encode(messages, { extensionCodec: msgpackCodec }) : JSON.stringify(messages));
  }

  wants(entry: Entry): boolean {
    const subs = this.subs.get(entry.channel)!;
    return this.authenticated && Date.now() >= this.silentUntil && (subs.has(entry.symbol) || subs.has('*'));
  }

  ack(): Wire {
    const lists = CHANNELS.filter((c) => this.subs.get(c)!.size > 0).map((c) => [c, [...this.subs.get(c)!]]);
    const trades = [...this.subs.get('trades')!];
    return { T: 'subscription', ...Object.fromEntries(lists), ...(trades.length ? { corrections: trades, cancelErrors: trades } : {}) };
  }
}

export class AlpacaStreamSimulator {
  readonly counters: SimulatorCounters = { connections: 0, authentications: 0, authFailures: 0, subscriptions: 0, dataMessages: 0, historicalRequests: 0, errors: {}, connectedAt: [] };
  readonly url: string;
  private readonly live = new Set<Session>();
  private readonly timeline: Entry[];
  private readonly sent = new Map<string, RawBar>();
  private cursor = 0;
  private refusal: number | undefined;
  private player?: NodeJS.Timeout;
  private connectionLimit: number;
  private symbolLimit: number;

  private constructor(private readonly server: WebSocketServer, private readonly options: AlpacaSimulatorOptions) {
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.timeline = buildTimeline(options);
    this.connectionLimit = options.connectionLimit ?? 1;
    this.symbolLimit = options.symbolLimit ?? Infinity;
    server.on('connection', (ws, req) => this.accept(ws, req));
  }

  static async start(options: AlpacaSimulatorOptions): Promise<AlpacaStreamSimulator> {
    const server = new WebSocketServer({
      host: '127.0.0.1', port: 0, autoPong: false,
      verifyClient: (info, done) => done(FEED_PATH.test(info.req.url ?? ''), 404, 'unknown feed'),
    });
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    return new AlpacaStreamSimulator(server, options);
  }

  /** Timeline entries not sent yet. */
  get remaining(): number {
    return this.timeline.length - this.cursor;
  }

  /** The provider clock: the time of the last entry sent, UTC micros. */
  get nowUs(): number {
    return this.cursor ? this.timeline[this.cursor - 1].atUs : 0;
  }

  /** Sends the next n timeline entries to the sessions subscribed to them; returns how many were sent. */
  emitNext(n = 1): number {
    const batches = new Map<Session, Wire[]>();
    const end = Math.min(this.timeline.length, this.cursor + n);
    const start = this.cursor;
    for (; this.cursor < end; this.cursor++) {
      const entry = this.timeline[this.cursor];
      if (entry.bar) this.sent.set(`${entry.symbol}|${entry.bar.eventTime}`, entry.bar);
      for (const s of this.live) if (s.wants(entry)) batches.set(s, batches.get(s) ?? []).get(s)!.push(entry.message);
    }
    for (const [session, messages] of batches) this.sendData(session, messages);
    return end - start;
  }

  /** Replays by itself: `messagesPerSecond` entries a second, or as fast as possible when omitted. */
  play(messagesPerSecond?: number): void {
    this.pause();
    const tickMs = 10;
    let budget = 0;
    this.player = setInterval(() => {
      budget += messagesPerSecond ? (messagesPerSecond * tickMs) / 1000 : 500;
      const n = Math.floor(budget);
      budget -= this.emitNext(n);
      if (!this.remaining) this.pause();
    }, tickMs);
  }

  pause(): void {
    clearInterval(this.player);
    this.player = undefined;
  }

  /** A REST stand-in for gap backfill (HistoricalBars-shaped): bars already sent, latest version of each. */
  historical(pageSize = 1000): { provider: string; bars(symbols: readonly string[], timeframe: Timeframe, fromUs: number, toUs: number): AsyncIterable<RawBar[]> } {
    const { sent, counters } = this;
    return {
      provider: 'alpaca-simulator-rest',
      async *bars(symbols, _timeframe, fromUs, toUs) {
        counters.historicalRequests++;
        const wanted = [...sent.values()].filter((b) => symbols.includes(b.symbol) && b.eventTime >= fromUs && b.eventTime < toUs);
        wanted.sort((a, b) => a.eventTime - b.eventTime);
        for (let i = 0; i < wanted.length; i += pageSize) yield wanted.slice(i, i + pageSize);
      },
    };
  }

  /** Cuts every connection abruptly, as a network failure would (clients see close code 1006). */
  dropConnections(): void {
    for (const s of this.live) this.forget(s).ws.terminate();
  }

  /** The next authentication attempt is answered with this error code (406 also closes, as a stale session would). */
  refuseNextWith(code: number): void {
    this.refusal = code;
  }

  /** Docs: 407 "may not arrive before you are disconnected"; here it does, then the socket closes. */
  flagSlowClient(): void {
    for (const s of this.live) this.slowClient(s);
  }

  /** Current sessions stop sending data for `ms`; with `pongs: false` they stop answering pings too (a dead peer). */
  goSilent(ms: number, { pongs = false }: { pongs?: boolean } = {}): void {
    for (const s of this.live) {
      s.silentUntil = Date.now() + ms;
      s.pongsOff = !pongs;
      setTimeout(() => (s.pongsOff = false), ms).unref();
    }
  }

  /** Sends a frame as is to every authenticated session: text for a string, binary otherwise. */
  sendRaw(frame: string | Uint8Array): void {
    for (const s of this.live) if (s.authenticated) s.ws.send(frame, { binary: typeof frame !== 'string' });
  }

  setConnectionLimit(n: number): void {
    this.connectionLimit = n;
  }

  setSymbolLimit(n: number): void {
    this.symbolLimit = n;
  }

  sessions(): { feed: string; msgpack: boolean; authenticated: boolean; subscriptions: Record<string, string[]> }[] {
    return [...this.live].map((s) => ({ feed: s.feed, msgpack: s.msgpack, authenticated: s.authenticated, subscriptions: Object.fromEntries([...s.subs].map(([c, set]) => [c, [...set]])) }));
  }

  async close(): Promise<void> {
    this.pause();
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const session = new Session(ws, req);
    this.live.add(session);
    this.counters.connections++;
    this.counters.connectedAt.push(Date.now());
    ws.on('close', () => this.forget(session));
    ws.on('ping', (data) => session.pongsOff || ws.pong(data));
    ws.on('message', (data, binary) => this.onMessage(session, data, binary));
    session.send([{ T: 'success', msg: 'connected' }]);
    session.authTimer = setTimeout(() => session.authenticated || this.fail(session, 404, true), this.options.authTimeoutMs ?? 10_000);
    const key = req.headers['apca-api-key-id'];
    if (key !== undefined) this.auth(session, key, req.headers['apca-api-secret-key']);
  }

  private forget(session: Session): Session {
    clearTimeout(session.authTimer);
    this.live.delete(session);
    return session;
  }

  private onMessage(session: Session, data: RawData, binary: boolean): void {
    let request: Wire;
    try {
      request = (binary ? decode(data as Buffer) : JSON.parse(data.toString())) as Wire;
    } catch {
      return this.fail(session, 400);
    }
    if (request?.action === 'auth') return this.auth(session, request.key, request.secret);
    if (request?.action === 'subscribe' || request?.action === 'unsubscribe') return this.subscribe(session, request);
    this.fail(session, 400);
  }

  private auth(session: Session, key: unknown, secret: unknown): void {
    if (session.authenticated) return this.fail(session, 403);
    const refusal = this.refusal;
    this.refusal = undefined;
    if (refusal) return this.fail(session, refusal, refusal === 406);
    if (key !== this.options.key || secret !== this.options.secret) {
      this.counters.authFailures++;
      return this.fail(session, 402);
    }
    if (!(this.options.feeds ?? [session.feed]).includes(session.feed)) return this.fail(session, 409);
    if ([...this.live].filter((s) => s.authenticated).length >= this.connectionLimit) return this.fail(session, 406, true);
    session.authenticated = true;
    this.counters.authentications++;
    session.send([{ T: 'success', msg: 'authenticated' }]);
  }

  private subscribe(session: Session, request: Wire): void {
    if (!session.authenticated) return this.fail(session, 401);
    const keys = Object.keys(request).filter((k) => k !== 'action');
    const valid = keys.length > 0 && keys.every((k) => (CHANNELS as readonly string[]).includes(k) && isSymbolList(request[k]));
    if (!valid) return this.fail(session, 400); // unknown channel, no channel, or an empty list: 400 on the real server
    const next = new Map([...session.subs].map(([c, set]) => [c, new Set(set)]));
    for (const k of keys as Channel[]) {
      for (const s of request[k] as string[]) {
        if (request.action === 'subscribe') next.get(k)!.add(s);
        else next.get(k)!.delete(s);
      }
    }
    if ([...next.values()].some((set) => set.size > this.symbolLimit)) return this.fail(session, 405); // docs: subscriptions stay as before
    for (const [c, set] of next) session.subs.set(c, set);
    this.counters.subscriptions++;
    session.send([session.ack()]);
  }

  private sendData(session: Session, messages: Wire[]): void {
    const size = this.options.maxMessagesPerFrame ?? 10;
    for (let i = 0; i < messages.length; i += size) session.send(messages.slice(i, i + size));
    this.counters.dataMessages += messages.length;
    if (session.ws.bufferedAmount > (this.options.slowClientBytes ?? 8 * 1024 * 1024)) this.slowClient(session);
  }

  private slowClient(session: Session): void {
    this.fail(session, 407);
    this.forget(session).ws.close(1008, 'slow client');
  }

  private fail(session: Session, code: number, close = false): void {
    this.counters.errors[code] = (this.counters.errors[code] ?? 0) + 1;
    session.send([{ T: 'error', code, msg: ERRORS[code] ?? 'error' }]);
    if (close) this.forget(session).ws.close(1008, ERRORS[code]);
  }
}

const isSymbolList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.length > 0);
const price = (decimal: string) => Number(decimal);

function barMessage(type: 'b' | 'u', bar: RawBar): Wire {
  const extra = { ...(bar.tradeCount === null ? {} : { n: bar.tradeCount }), ...(bar.vwap === null ? {} : { vw: price(bar.vwap) }) };
  return { T: type, S: bar.symbol, o: price(bar.open), h: price(bar.high), l: price(bar.low), c: price(bar.close), v: bar.volume, t: new WireTime(bar.eventTime), ...extra };
}

function tradeMessage(t: TradeRecord): Wire {
  return { T: 't', S: t.symbol, i: Number(t.tradeId ?? 0), x: t.exchange ?? 'V', p: price(t.price), s: t.size, c: t.conditions, z: t.tape ?? 'C', t: new WireTime(t.eventTime) };
}

function quoteMessage(q: QuoteRecord): Wire {
  return {
    T: 'q', S: q.symbol, bx: q.bidExchange ?? 'V', bp: price(q.bidPrice), bs: q.bidSize, ax: q.askExchange ?? 'V', ap: price(q.askPrice), as: q.askSize,
    c: q.conditions, z: q.tape ?? 'C', t: new WireTime(q.eventTime),
  };
}

/** Everything the server will send, in provider-time order (a bar goes out when its minute is over). */
function buildTimeline(o: AlpacaSimulatorOptions): Entry[] {
  const entries: Entry[] = [
    ...(o.bars ?? []).map((bar) => ({ atUs: bar.eventTime + MINUTE_US, symbol: bar.symbol, channel: 'bars' as const, message: barMessage('b', bar), bar })),
    ...(o.updatedBars ?? []).map((bar) => ({ atUs: bar.eventTime + MINUTE_US * 1.5, symbol: bar.symbol, channel: 'updatedBars' as const, message: barMessage('u', bar), bar })),
    ...(o.trades ?? []).map((t) => ({ atUs: t.eventTime, symbol: t.symbol, channel: 'trades' as const, message: tradeMessage(t) })),
    ...(o.quotes ?? []).map((q) => ({ atUs: q.eventTime, symbol: q.symbol, channel: 'quotes' as const, message: quoteMessage(q) })),
    ...(o.messages ?? []).map(({ atUs, message }) => ({ atUs, symbol: String(message.S), channel: CHANNEL_OF_TYPE[String(message.T)] ?? 'bars', message })),
  ];
  return entries.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => a.atUs - b.atUs || i - j).map(([e]) => e);
}

/**
 * Minute bars from a CSV of naive UTC timestamps (the DBB file's format: timestamp,open,high,low,close,volume),
 * the first `limit` distinct minutes, as a recording for the simulator.
 */
export function recordedBars(path: string, symbol: string, limit = Infinity, provider = 'alpaca'): RawBar[] {
  const bars = new Map<number, RawBar>();
  for (const line of readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1)) {
    if (bars.size >= limit) break;
    const [ts, open, high, low, close, volume] = line.split(',');
    const eventTime = parseTimestamp(ts, 'UTC');
    if (bars.has(eventTime)) continue;
    const [o, h, l, c] = [open, high, low, close].map((p) => parseDecimal(p));
    bars.set(eventTime, { symbol, timeframe: '1m', provider, eventTime, ingestTime: 0, open: o, high: h, low: l, close: c, volume: Number(volume), tradeCount: null, vwap: null, revision: 0 });
  }
  return [...bars.values()];
}
