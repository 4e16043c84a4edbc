import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { LocalServer } from './local-server';
import { ALPACA_WS_ERRORS, decodeRequest, type AlpacaWsSession, type Wire } from './alpaca-ws-session';

// The control protocol both Alpaca streams speak (docs.alpaca.markets "WebSocket Stream" and
// "Real-time Stock Data"): [{"T":"success","msg":"connected"}] on open; auth by message
// {"action":"auth","key","secret"} or by the APCA-API-KEY-ID / APCA-API-SECRET-KEY headers at the
// upgrade -> authenticated | 402 (auth failed), 403 (already authenticated), 409 (insufficient
// subscription), 406 (connection limit exceeded, then closed), 404 (auth timeout, closed); anything
// but auth, subscribe or unsubscribe: 400. Where the docs are silent it follows first-hand captures
// of the real server: errors 400, 405 and 409 leave the socket open; here only 404, 406 and 407 close it.

export interface AlpacaWsOptions {
  key: string;
  secret: string;
  /** Authenticated sessions allowed at once (Alpaca: one per account on most plans). Default 1. */
  connectionLimit?: number;
  /** Docs: "you only have 10 seconds" to authenticate. Default 10 s. */
  authTimeoutMs?: number;
}

interface ControlCounters {
  connections: number;
  authentications: number;
  authFailures: number;
  errors: Record<number, number>;
}

export abstract class AlpacaWsServer<S extends AlpacaWsSession> {
  protected abstract readonly counters: ControlCounters;
  protected readonly live = new Set<S>();
  protected connectionLimit: number;
  private refusal: number | undefined;

  /** `accepts`: whether an upgrade's URL is a stream here (HTTP 404 otherwise, with `notFound`). */
  protected constructor(protected readonly server: LocalServer, private readonly base: AlpacaWsOptions, accepts: (url: string) => boolean, notFound: string) {
    this.connectionLimit = base.connectionLimit ?? 1;
    server
      .webSocket({ autoPong: false, verifyClient: (info, done) => done(accepts(info.req.url ?? ''), 404, notFound) })
      .on('connection', (ws, req) => this.accept(ws, req));
  }

  /** The next authentication attempt is answered with this error code (406 also closes, as a stale session would). */
  refuseNextWith(code: number): void {
    this.refusal = code;
  }

  /** Sends a frame as is to every authenticated session: text for a string, binary otherwise. */
  sendRaw(frame: string | Uint8Array): void {
    for (const s of this.live) if (s.authenticated) s.ws.send(frame, { binary: typeof frame !== 'string' });
  }

  /** Cuts every connection abruptly, as a network failure would (clients see close code 1006). */
  dropConnections(): void {
    for (const s of this.live) this.forget(s).ws.terminate();
  }

  /** Closes the server and every socket, those closing with a close frame included, and the sessions' timers. */
  async close(): Promise<void> {
    this.dropConnections();
    await this.server.close();
  }

  /** A new session for the connection. */
  protected abstract open(ws: WebSocket, req: IncomingMessage): S;

  protected abstract subscribe(session: S, request: Wire): void;

  /** Whether the session's credentials cover what it connected to (409 otherwise). */
  protected entitled(_session: S): boolean {
    return true;
  }

  protected fail(session: S, code: number, close = false): void {
    this.counters.errors[code] = (this.counters.errors[code] ?? 0) + 1;
    session.send([{ T: 'error', code, msg: ALPACA_WS_ERRORS[code] ?? 'error' }]);
    if (close) this.forget(session).ws.close(1008, ALPACA_WS_ERRORS[code]);
  }

  protected forget(session: S): S {
    session.end();
    this.live.delete(session);
    return session;
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const session = this.open(ws, req);
    this.live.add(session);
    this.counters.connections++;
    ws.on('close', () => this.forget(session));
    ws.on('error', () => this.forget(session));
    ws.on('ping', (data) => session.pongsOff || ws.pong(data));
    ws.on('message', (data, binary) => this.onMessage(session, decodeRequest(data, binary)));
    session.send([{ T: 'success', msg: 'connected' }]);
    session.authTimer = setTimeout(() => session.authenticated || this.fail(session, 404, true), this.base.authTimeoutMs ?? 10_000);
    // Header authentication happens at the upgrade, before any message.
    const key = req.headers['apca-api-key-id'];
    if (key !== undefined) this.auth(session, key, req.headers['apca-api-secret-key']);
  }

  private onMessage(session: S, request: Wire | undefined): void {
    if (request?.action === 'auth') return this.auth(session, request.key, request.secret);
    if (request?.action === 'subscribe' || request?.action === 'unsubscribe') return this.subscribe(session, request);
    this.fail(session, 400);
  }

  private auth(session: S, key: unknown, secret: unknown): void {
    if (session.authenticated) return this.fail(session, 403);
    const refusal = this.refusal;
    this.refusal = undefined;
    const code = refusal || this.refusalFor(session, key, secret);
    if (code === 402) this.counters.authFailures++;
    if (code) return this.fail(session, code, code === 406);
    session.authenticated = true;
    clearTimeout(session.authTimer);
    this.counters.authentications++;
    session.send([{ T: 'success', msg: 'authenticated' }]);
  }

  /** Why these credentials are refused (an Alpaca error code), or 0 to accept them. */
  private refusalFor(session: S, key: unknown, secret: unknown): number {
    if (key !== this.base.key || secret !== this.base.secret) return 402;
    if (!this.entitled(session)) return 409;
    return [...this.live].filter((s) => s.authenticated).length >= this.connectionLimit ? 406 : 0;
  }
}
