import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { RawBar, Timeframe } from '@md/contracts';
import { LocalServer } from './local-server';
import type { Wire } from './alpaca-ws-session';
import { AlpacaWsServer } from './alpaca-ws-server';
import { CHANNELS, type Channel } from './alpaca-stream-wire';
import { buildTimeline, type AlpacaStreamRecording, type TimelineEntry } from './alpaca-stream-timeline';
import { FEED_PATH, StockStreamSession } from './alpaca-stream-session';

// A protocol-faithful Alpaca market data v2 stream (docs.alpaca.markets "WebSocket Stream" and
// "Real-time Stock Data") on 127.0.0.1, with fault injection. It replays a recorded timeline the way
// the market would: one clock for everyone, so a client that is away misses what happens meanwhile
// and must backfill through `historical()`, which knows only what has already been sent.
// Where the docs are silent it follows first-hand captures of the real server: an acknowledgement
// omits channels with no symbols; `trades` attaches `corrections` and `cancelErrors`. The control
// protocol, shared with the news stream, is alpaca-ws-server.ts.

export interface AlpacaSimulatorOptions extends AlpacaStreamRecording {
  /** Credentials the server accepts (message or APCA-API-KEY-ID / APCA-API-SECRET-KEY headers). */
  key: string;
  secret: string;
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

const isSymbolList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.length > 0);

export class AlpacaStreamSimulator extends AlpacaWsServer<StockStreamSession> {
  readonly counters: SimulatorCounters = { connections: 0, authentications: 0, authFailures: 0, subscriptions: 0, dataMessages: 0, historicalRequests: 0, errors: {}, connectedAt: [] };
  readonly url: string;
  private readonly timeline: TimelineEntry[];
  private readonly sent = new Map<string, RawBar>();
  private cursor = 0;
  private player?: NodeJS.Timeout;
  private symbolLimit: number;

  private constructor(server: LocalServer, private readonly options: AlpacaSimulatorOptions) {
    super(server, options, (url) => FEED_PATH.test(url), 'unknown feed');
    this.url = `ws://127.0.0.1:${server.port}`;
    this.timeline = buildTimeline(options);
    this.symbolLimit = options.symbolLimit ?? Infinity;
  }

  static start(options: AlpacaSimulatorOptions): Promise<AlpacaStreamSimulator> {
    return LocalServer.host((server) => new AlpacaStreamSimulator(server, options));
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
    const batches = new Map<StockStreamSession, Wire[]>();
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

  /** Docs: 407 "may not arrive before you are disconnected"; here it does, then the socket closes. */
  flagSlowClient(): void {
    for (const s of this.live) this.slowClient(s);
  }

  /** Current sessions stop sending data for `ms`; with `pongs: false` they stop answering pings too (a dead peer). */
  goSilent(ms: number, { pongs = false }: { pongs?: boolean } = {}): void {
    for (const s of this.live) s.silence(ms, pongs);
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

  /** Stops the replay, then closes the server, every socket and the sessions' timers. */
  override async close(): Promise<void> {
    this.pause();
    await super.close();
  }

  protected open(ws: WebSocket, req: IncomingMessage): StockStreamSession {
    this.counters.connectedAt.push(Date.now());
    return new StockStreamSession(ws, req);
  }

  protected override entitled(session: StockStreamSession): boolean {
    return (this.options.feeds ?? [session.feed]).includes(session.feed);
  }

  protected subscribe(session: StockStreamSession, request: Wire): void {
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

  private sendData(session: StockStreamSession, messages: Wire[]): void {
    const size = this.options.maxMessagesPerFrame ?? 10;
    for (let i = 0; i < messages.length; i += size) session.send(messages.slice(i, i + size));
    this.counters.dataMessages += messages.length;
    if (session.ws.bufferedAmount > (this.options.slowClientBytes ?? 8 * 1024 * 1024)) this.slowClient(session);
  }

  private slowClient(session: StockStreamSession): void {
    this.fail(session, 407);
    this.forget(session).ws.close(1008, 'slow client');
  }
}
