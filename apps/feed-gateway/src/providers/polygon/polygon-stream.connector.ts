import { Logger } from '@nestjs/common';
import { WebSocket, type RawData } from 'ws';
import { MdError, nowMicros } from '@md/domain';
import { mapPolygonFrame, type PolygonStatus } from '@md/domain';
import { backoffDelay, type BackoffPolicy } from '@md/kafka';
import type { RecordSink, StreamingConnector } from '../provider';

// Polygon.io (Massive) stocks WebSocket (polygon.io/docs/stocks/ws_getting-started): on open the
// server says `connected`; we send {"action":"auth","params":KEY}; after `auth_success` we subscribe
// with {"action":"subscribe","params":"AM.DBB,T.AAPL"}. Subscriptions live with the connection, so
// every reconnect authenticates and subscribes again. Frames are JSON arrays of events.

export interface PolygonStreamOptions {
  /** wss://socket.polygon.io/stocks (real time), wss://delayed.polygon.io/stocks, or a simulator's. */
  url: string;
  /** Sent in the auth message only; never logged, redacted from anything the server echoes. */
  apiKey: string;
  /** Channels as Polygon spells them: "AM.DBB", "T.AAPL", "Q.AAPL". */
  channels: readonly string[];
  /** Reconnect delays: capped exponential with full jitter. Default 500 ms doubling to 30 s. */
  backoff?: BackoffPolicy;
  /** Ping period. Default 10 s. */
  pingIntervalMs?: number;
  /** Silence (no pong, no frame) beyond a ping period after which the socket counts as dead. Default 10 s. */
  pongTimeoutMs?: number;
  /** From dialling to auth_success. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Provider name written into each record. Default "polygon". */
  provider?: string;
}

/** The stream cannot go on as configured (auth_failed): not retriable, fix the key or the plan. */
export class PolygonStreamError extends MdError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

export interface PolygonStreamStats {
  connections: number;
  frames: number;
  records: number;
  rejected: number;
  /** Most bytes read but not yet handled: about one socket read (64 KiB), as the socket is paused while the sink is busy. */
  maxQueuedBytes: number;
}

interface Session {
  ws: WebSocket;
  queue: string[];
  queuedBytes: number;
  draining: boolean;
  lastHeardMs: number;
  handshake?: NodeJS.Timeout;
  liveness?: NodeJS.Timeout;
}

/** Replaces the key wherever a server message might echo it (STYLE.md habit 7). */
function redact(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join('***') : text;
}

export class PolygonStreamConnector implements StreamingConnector {
  readonly provider: string;
  readonly stats: PolygonStreamStats = { connections: 0, frames: 0, records: 0, rejected: 0, maxQueuedBytes: 0 };
  /** Settles when the connector ends: resolves after stop(), rejects with the fatal error. */
  readonly finished: Promise<void>;
  private readonly logger = new Logger(PolygonStreamConnector.name);
  private readonly source: string;
  private sink?: RecordSink;
  private session?: Session;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private ready?: { resolve(): void; reject(err: Error): void };
  private end!: { resolve(): void; reject(err: Error): void };

  constructor(private readonly o: PolygonStreamOptions) {
    if (o.channels.length === 0) throw new RangeError('Polygon stream needs at least one channel, e.g. AM.DBB');
    this.provider = o.provider ?? 'polygon';
    this.source = `polygon-stream ${redact(o.url, o.apiKey)}`;
    this.finished = new Promise<void>((resolve, reject) => (this.end = { resolve, reject }));
    this.finished.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  }

  /** Resolves once the first session is subscribed; rejects on a fatal error. Reconnects run on their own. */
  start(sink: RecordSink): Promise<void> {
    if (this.sink) throw new Error('Polygon stream already started');
    this.sink = sink;
    const ready = new Promise<void>((resolve, reject) => (this.ready = { resolve, reject }));
    this.connect();
    return ready;
  }

  async stop(): Promise<void> {
    if (this.stopped) return this.finished.catch(() => undefined); // already ended, perhaps by a fatal error
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.ready?.reject(new Error('Polygon stream stopped before it subscribed'));
    const ws = this.session?.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.close(1000, 'client stopping');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      ws.terminate();
    }
    this.end.resolve();
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.o.url, { handshakeTimeout: this.o.handshakeTimeoutMs ?? 10_000 });
    const session: Session = { ws, queue: [], queuedBytes: 0, draining: false, lastHeardMs: Date.now() };
    this.session = session;
    this.stats.connections++;
    session.handshake = setTimeout(() => this.abandon(session, 'no auth_success within the handshake timeout'), this.o.handshakeTimeoutMs ?? 10_000);
    ws.on('open', () => this.watch(session));
    ws.on('message', (data) => this.enqueue(session, data));
    ws.on('pong', () => (session.lastHeardMs = Date.now()));
    ws.on('error', (err) => this.logger.warn(`${this.source}: ${redact(err.message, this.o.apiKey)}`));
    ws.on('close', (code) => this.closed(session, code));
  }

  /** Ping/pong liveness: a socket silent for a ping period plus pongTimeoutMs is terminated. */
  private watch(session: Session): void {
    const every = this.o.pingIntervalMs ?? 10_000;
    session.liveness = setInterval(() => {
      // While the socket is paused for back-pressure its pongs are not read: not a dead peer.
      if (session.draining) session.lastHeardMs = Date.now();
      if (Date.now() - session.lastHeardMs > every + (this.o.pongTimeoutMs ?? 10_000)) return this.abandon(session, 'no pong or data: connection presumed dead');
      session.ws.ping();
    }, every);
  }

  private abandon(session: Session, why: string): void {
    if (session.ws.readyState === WebSocket.CLOSED) return;
    this.logger.warn(`${this.source}: ${why}; reconnecting`);
    session.ws.terminate();
  }

  private closed(session: Session, code: number): void {
    clearTimeout(session.handshake);
    clearInterval(session.liveness);
    session.queue.length = 0;
    if (this.stopped || this.session !== session) return;
    const delay = backoffDelay(this.attempt++, this.o.backoff ?? { initialMs: 500, maxMs: 30_000 });
    this.logger.warn(`${this.source}: connection closed (code ${code}); reconnect ${this.attempt} in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Frames are handled one at a time; the socket stays paused until the sink has taken a frame. */
  private enqueue(session: Session, data: RawData): void {
    session.lastHeardMs = Date.now();
    const text = data.toString();
    session.queue.push(text);
    session.queuedBytes += text.length;
    this.stats.maxQueuedBytes = Math.max(this.stats.maxQueuedBytes, session.queuedBytes);
    if (!session.draining) void this.drain(session);
  }

  private async drain(session: Session): Promise<void> {
    session.draining = true;
    session.ws.pause();
    try {
      for (let text = session.queue.shift(); text !== undefined && !this.stopped; text = session.queue.shift()) {
        session.queuedBytes -= text.length;
        await this.handle(session, text);
      }
    } catch (err) {
      // The sink could not take a frame: going on would lose it, so the connector stops.
      return this.fail(new PolygonStreamError(`${this.source}: the sink failed, stopping: ${(err as Error).message}`, err));
    } finally {
      session.draining = false;
    }
    if (session.ws.readyState === WebSocket.OPEN) session.ws.resume();
  }

  private async handle(session: Session, text: string): Promise<void> {
    this.stats.frames++;
    const frame = mapPolygonFrame(text, { provider: this.provider, ingestTime: nowMicros() });
    frame.statuses.forEach((s) => this.onStatus(session, s));
    if (this.stopped || this.session !== session) return;
    if (frame.records.length) {
      await this.sink!.publish(frame.records);
      this.stats.records += frame.records.length;
      this.attempt = 0; // data flows again: the next outage starts from the shortest delay
    }
    for (const r of frame.rejected) {
      await this.sink!.reject({ payload: r.index === null ? text : JSON.stringify(r.event), reason: r.reason, source: this.source });
      this.stats.rejected++;
    }
  }

  private onStatus(session: Session, { status, message }: PolygonStatus): void {
    const said = redact(message, this.o.apiKey);
    if (status === 'connected') return this.send(session, { action: 'auth', params: this.o.apiKey });
    if (status === 'auth_success') return this.subscribe(session);
    if (status === 'auth_failed') {
      return this.fail(new PolygonStreamError(`Polygon refused the API key (auth_failed: ${said}): check POLYGON_API_KEY and that the plan includes this WebSocket feed`));
    }
    // One connection per cluster and key: another process may hold it, or our last socket is not gone yet.
    if (status === 'max_connections') return this.abandon(session, `max_connections: ${said}`);
    if (status === 'success') return this.logger.debug(`${this.source}: ${said}`);
    this.logger.warn(`${this.source}: status ${status}: ${said}`);
  }

  private subscribe(session: Session): void {
    clearTimeout(session.handshake);
    this.send(session, { action: 'subscribe', params: this.o.channels.join(',') });
    this.logger.log(`${this.source}: authenticated, subscribing to ${this.o.channels.join(',')}`);
    this.ready?.resolve();
    this.ready = undefined;
  }

  private send(session: Session, message: { action: string; params: string }): void {
    if (session.ws.readyState === WebSocket.OPEN) session.ws.send(JSON.stringify(message));
  }

  private fail(err: PolygonStreamError): void {
    if (this.stopped) return;
    this.stopped = true;
    this.logger.error(err.message);
    clearTimeout(this.reconnectTimer);
    this.session?.ws.terminate();
    this.ready?.reject(err);
    this.end.reject(err);
  }
}
