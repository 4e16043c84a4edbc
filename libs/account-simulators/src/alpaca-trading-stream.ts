import type { IncomingMessage } from 'node:http';
import { decode, encode } from '@msgpack/msgpack';
import { WebSocket, type RawData } from 'ws';
import type { LocalServer } from '@md/simulators';
import type { TradeUpdate } from './alpaca-trading-wire';

// The trade_updates stream of a paper account (docs.alpaca.markets "Websocket Streaming") at /stream:
//   auth    {"action":"auth","key":…,"secret":…}, or the older {"action":"authenticate","data":{"key_id":…,
//           "secret_key":…}} the official client sends -> {"stream":"authorization","data":{"action":
//           "authenticate","status":"authorized"}}, or "status":"unauthorized" and the socket closes
//   listen  {"action":"listen","data":{"streams":["trade_updates"]}} -> {"stream":"listening","data":
//           {"streams":["trade_updates"]}}: streams it does not have are left out, an empty list stops
//   events  {"stream":"trade_updates","data":{"event":…,"order":{…},"timestamp":…,…}}
// Frames: "The trade_updates stream coming from wss://paper-api.alpaca.markets/stream uses binary
// frames" (JSON text in a binary frame); `frames: 'text'` sends text frames. MessagePack when the
// client asks for it with Content-Type: application/msgpack (docs). The server says nothing until
// the client authenticates. No replay: an event happens once, and a client that is not listening
// then never gets it; it must read REST. Anything else is answered {"action":"error","data":
// {"error_message":…}}, the error shape the official client's parser reads (the docs show none).

export type TradingFrames = 'binary' | 'text';

export interface TradingStreamCounters {
  connections: number;
  authentications: number;
  authFailures: number;
  /** Listen messages that asked for trade_updates. */
  listens: number;
  /** trade_updates messages sent, one per listening session. */
  eventsSent: number;
  /** Events no session received (nobody listening, or every listener silent or cut). */
  eventsUndelivered: number;
  /** Sockets terminated by a fault (dropConnections, dropBeforeFill, dropAfterFill). */
  drops: number;
}

type Wire = Record<string, unknown>;

class TradingSession {
  authenticated = false;
  listening = false;
  /** Until this time (Date.now()) it sends nothing and answers no ping: a dead peer behind a live TCP connection. */
  silentUntil = 0;
  /** Cut once the frame in flight is written (dropAfterFill): sends nothing more. */
  doomed = false;
  readonly msgpack: boolean;

  constructor(readonly ws: WebSocket, req: IncomingMessage, private readonly frames: TradingFrames) {
    this.msgpack = String(req.headers['content-type'] ?? '').includes('application/msgpack');
  }

  get silent(): boolean {
    return Date.now() < this.silentUntil;
  }

  /** Sends a message unless the session is closed, silent or doomed; `written` runs once it is on the wire. */
  send(message: Wire, written?: () => void): boolean {
    if (this.doomed || this.silent || this.ws.readyState !== WebSocket.OPEN) return false;
    const binary = this.msgpack || this.frames === 'binary';
    const text = JSON.stringify(message);
    this.ws.send(this.msgpack ? encode(message) : binary ? Buffer.from(text) : text, { binary }, written);
    return true;
  }
}

/** A request: JSON text in either kind of frame, or MessagePack from a session that asked for it. */
function decodeRequest(data: RawData, msgpack: boolean): Wire | undefined {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
  for (const parse of [() => JSON.parse(bytes.toString('utf8')), () => (msgpack ? decode(bytes) : undefined)]) {
    try {
      const value = parse();
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Wire;
    } catch {
      // next decoder
    }
  }
  return undefined;
}

const record = (v: unknown): Wire => (v !== null && typeof v === 'object' ? (v as Wire) : {});

export class AlpacaTradingStream {
  readonly counters: TradingStreamCounters = { connections: 0, authentications: 0, authFailures: 0, listens: 0, eventsSent: 0, eventsUndelivered: 0, drops: 0 };
  private readonly live = new Set<TradingSession>();

  constructor(server: LocalServer, private readonly options: { keyId: string; secretKey: string; frames: TradingFrames }) {
    server
      .webSocket({ autoPong: false, verifyClient: (info, done) => done(new URL(info.req.url ?? '/', 'http://localhost').pathname === '/stream', 404, 'Not Found') })
      .on('connection', (ws, req) => this.accept(ws, req));
  }

  /** Sessions authenticated and listening to trade_updates. */
  get listeners(): number {
    return [...this.live].filter((s) => s.authenticated && s.listening).length;
  }

  /** Sends an event to every listening session; with `dropAfter`, every connection is then cut, each once its frame is written. */
  deliver(update: TradeUpdate, dropAfter = false): void {
    let received = 0;
    for (const s of this.live) {
      const sent = s.authenticated && s.listening && s.send({ stream: 'trade_updates', data: update }, dropAfter ? () => this.drop(s) : undefined);
      if (sent) received++;
      if (dropAfter) s.doomed = true;
      if (dropAfter && !sent) this.drop(s);
    }
    this.counters.eventsSent += received;
    if (!received) this.counters.eventsUndelivered++;
  }

  /** Cuts every connection abruptly, as a network failure would (clients see close code 1006). */
  dropConnections(): void {
    for (const s of this.live) this.drop(s);
  }

  /** Current sessions send nothing and answer no ping for `ms`; events meanwhile are lost to them, as to a dead peer. */
  silence(ms: number): void {
    for (const s of this.live) s.silentUntil = Date.now() + ms;
  }

  private drop(s: TradingSession): void {
    if (!this.live.delete(s)) return;
    this.counters.drops++;
    s.ws.terminate();
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const s = new TradingSession(ws, req, this.options.frames);
    this.live.add(s);
    this.counters.connections++;
    ws.on('close', () => this.live.delete(s));
    ws.on('error', () => this.live.delete(s));
    ws.on('ping', (data) => s.silent || ws.pong(data));
    ws.on('message', (data) => this.onMessage(s, decodeRequest(data, s.msgpack)));
  }

  private onMessage(s: TradingSession, request: Wire | undefined): void {
    if (request?.action === 'auth') return this.auth(s, request.key, request.secret);
    if (request?.action === 'authenticate') return this.auth(s, record(request.data).key_id, record(request.data).secret_key);
    if (request?.action === 'listen') return this.listen(s, record(request.data).streams);
    this.error(s, request ? `unknown action: ${String(request.action)}` : 'invalid message');
  }

  private auth(s: TradingSession, key: unknown, secret: unknown): void {
    const accepted = key === this.options.keyId && secret === this.options.secretKey;
    s.send({ stream: 'authorization', data: { action: 'authenticate', status: accepted ? 'authorized' : 'unauthorized' } });
    if (accepted) {
      s.authenticated = true;
      this.counters.authentications++;
      return;
    }
    this.counters.authFailures++;
    this.live.delete(s);
    s.ws.close(1008, 'unauthorized');
  }

  private listen(s: TradingSession, streams: unknown): void {
    if (!s.authenticated) return this.error(s, 'not authenticated');
    if (!Array.isArray(streams)) return this.error(s, 'invalid listen message: data.streams must be a list');
    s.listening = streams.includes('trade_updates');
    if (s.listening) this.counters.listens++;
    s.send({ stream: 'listening', data: { streams: s.listening ? ['trade_updates'] : [] } });
  }

  private error(s: TradingSession, message: string): void {
    s.send({ action: 'error', data: { error_message: message } });
  }
}
