import { WebSocket, type RawData } from 'ws';
import { MdError } from '@md/contracts';
import { microsToIso, nowMicros } from '@md/market';
import { mapPolygonFrame, type PolygonRecord, type PolygonStatus } from '@md/providers';
import { backoffDelay } from '@md/kafka';
import { redactingLogger, redactor, type StreamLogger } from '../alpaca/alpaca-stream.redact';
import { DataWatchdog } from '../alpaca/alpaca-stream.watchdog';
import { GapBackfill, type GapBackfillReport } from '../gap-backfill';
import type { RecordSink, StreamingConnector } from '../provider';
import { PolygonAggregatesClient } from './polygon-aggregates.client';
import { gapWindow, minuteBarSymbols } from './polygon-stream.gap';
import { dataExpectedAt, resolvePolygonOptions, type PolygonReconnectReason, type PolygonStreamOptions, type ResolvedPolygonOptions } from './polygon-stream.options';

export type { PolygonStreamOptions } from './polygon-stream.options';

// Polygon.io (Massive) stocks WebSocket (polygon.io/docs/stocks/ws_getting-started): on open the
// server says `connected`; we send {"action":"auth","params":KEY}; after `auth_success` we subscribe
// with {"action":"subscribe","params":"AM.DBB,T.AAPL"}. Subscriptions live with the connection, so
// every reconnect authenticates and subscribes again. Frames are JSON arrays of events.
// Resilience as for Alpaca (issue #5): capped, fully jittered reconnect backoff; ping/pong liveness;
// a data timeout scaled by the recent message rate while data is expected; after every reconnect
// the AM symbols' missed minutes are fetched from the aggregates REST and published.

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

export type PolygonStreamState = 'idle' | 'connecting' | 'authenticating' | 'streaming' | 'waiting' | 'stopped' | 'failed';

/** What GET /v1/streams shows. */
export interface PolygonStreamStatus {
  state: PolygonStreamState;
  url: string;
  /** Why the last session ended, or why the connector failed. */
  reason: string | null;
  channels: string[];
  /** Channels the server acknowledged on the current connection. */
  acknowledged: string[];
  /** AM symbols whose missed minutes are backfilled after a reconnect (empty: no backfill configured). */
  backfillSymbols: string[];
  reconnects: Partial<Record<PolygonReconnectReason, number>>;
  /** Connections opened, and how many of them got as far as subscribing. */
  sessions: number;
  streamed: number;
  published: number;
  rejected: number;
  backfills: number;
  backfilledBars: number;
  lastBackfill: { from: string; to: string; bars: number; error: string | null } | null;
}

interface Session {
  ws: WebSocket;
  queue: string[];
  queuedBytes: number;
  draining: boolean;
  opened: boolean;
  /** Any frame or pong; for the ping liveness. */
  lastHeardMs: number;
  /** Frames only; for the last-message age. */
  lastFrameMs: number;
  /** Why we ended it (the first reason wins); unset when the peer or the network did. */
  end?: { reason: PolygonReconnectReason; detail: string };
  error?: string;
  handshake?: NodeJS.Timeout;
  liveness?: NodeJS.Timeout;
  ticker?: NodeJS.Timeout;
}

const EVENT_TYPE: Readonly<Record<PolygonRecord['kind'], string>> = { bar: 'AM', trade: 'T', quote: 'Q' };
const MINUTE_US = 60_000_000;

/** When the provider had the record: a trade or quote at its time, a minute aggregate when its minute ended. */
function providerTimeUs(r: PolygonRecord): number | undefined {
  if (r.kind !== 'bar') return r.value.eventTime;
  return r.value.timeframe === '1m' ? r.value.eventTime + MINUTE_US : undefined;
}

export class PolygonStreamConnector implements StreamingConnector {
  readonly provider: string;
  readonly stats: PolygonStreamStats = { connections: 0, frames: 0, records: 0, rejected: 0, maxQueuedBytes: 0 };
  /** Settles when the connector ends: resolves after stop(), rejects with the fatal error. */
  readonly finished: Promise<void>;
  private readonly o: ResolvedPolygonOptions;
  private readonly redact: (text: string) => string;
  private readonly logger: StreamLogger;
  private readonly source: string;
  private readonly watchdog: DataWatchdog;
  private readonly expectData: (nowUs: number) => boolean;
  private readonly state: PolygonStreamStatus;
  private sink?: RecordSink;
  private session?: Session;
  private backfill?: GapBackfill;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private lastLiveBarUs?: number;
  private coveredSinceUs?: number;
  private ready?: { resolve(): void; reject(err: Error): void };
  private end!: { resolve(): void; reject(err: Error): void };

  constructor(options: PolygonStreamOptions) {
    this.o = resolvePolygonOptions(options);
    this.provider = this.o.provider;
    this.redact = redactor([options.apiKey]);
    this.logger = redactingLogger(this.o.logger, this.redact);
    this.source = `polygon-stream ${this.redact(this.o.url)}`;
    this.watchdog = new DataWatchdog(this.o.dataTimeout);
    this.expectData = dataExpectedAt(this.o.dataExpected);
    this.state = {
      state: 'idle', url: this.redact(this.o.url), reason: null, channels: [...this.o.channels], acknowledged: [],
      backfillSymbols: this.o.backfill ? minuteBarSymbols(this.o.channels) : [], reconnects: {},
      sessions: 0, streamed: 0, published: 0, rejected: 0, backfills: 0, backfilledBars: 0, lastBackfill: null,
    };
    this.finished = new Promise<void>((resolve, reject) => (this.end = { resolve, reject }));
    this.finished.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  }

  /** Resolves once the first session is subscribed; rejects on a fatal error. Reconnects run on their own. */
  start(sink: RecordSink): Promise<void> {
    if (this.sink) throw new Error('Polygon stream already started');
    this.sink = sink;
    this.backfill = this.gapBackfill(sink);
    const ready = new Promise<void>((resolve, reject) => (this.ready = { resolve, reject }));
    this.connect();
    return ready;
  }

  /** Ends the connection and any backfill in progress (after its current page). */
  async stop(): Promise<void> {
    if (this.stopped) return this.finished.catch(() => undefined); // already ended, perhaps by a fatal error
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.ready?.reject(new Error('Polygon stream stopped before it subscribed'));
    const session = this.session;
    if (session) this.quiet(session);
    const ws = session?.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.close(1000, 'client stopping');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      ws.terminate();
    }
    await this.backfill?.stop();
    this.state.state = 'stopped';
    this.end.resolve();
  }

  status(): PolygonStreamStatus {
    return structuredClone(this.state);
  }

  private gapBackfill(sink: RecordSink): GapBackfill | undefined {
    if (!this.o.backfill) return undefined;
    if (this.o.channels.includes('AM.*')) this.logger.warn(`${this.source}: AM.* is not backfilled after a reconnect (REST needs symbols): list them as AM.<symbol>`);
    if (!this.state.backfillSymbols.length) return undefined;
    const rest = new PolygonAggregatesClient({ ...this.o.backfill, apiKey: this.o.apiKey, provider: this.provider, onRejected: (r) => sink.reject(r) });
    return new GapBackfill(rest, sink, { logger: this.logger, onDone: (report) => this.backfilled(report) });
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.o.url, { handshakeTimeout: this.o.handshakeTimeoutMs });
    const now = this.o.now();
    const session: Session = { ws, queue: [], queuedBytes: 0, draining: false, opened: false, lastHeardMs: now, lastFrameMs: now };
    this.session = session;
    this.stats.connections++;
    this.state.sessions++;
    this.state.state = 'connecting';
    this.state.acknowledged = [];
    session.handshake = setTimeout(() => this.abandon(session, 'handshake_timeout', `no auth_success within ${this.o.handshakeTimeoutMs} ms`), this.o.handshakeTimeoutMs);
    ws.on('open', () => this.opened(session));
    ws.on('message', (data) => this.enqueue(session, data));
    ws.on('pong', () => (session.lastHeardMs = this.o.now()));
    ws.on('error', (err) => {
      session.error ??= this.redact(err.message);
      this.logger.warn(`${this.source}: ${err.message}`);
    });
    ws.on('close', (code) => this.closed(session, code));
  }

  private opened(session: Session): void {
    session.opened = true;
    if (this.session === session && !this.stopped) this.state.state = 'authenticating';
    this.watch(session);
  }

  /** Ping/pong liveness: a socket silent for a ping period plus pongTimeoutMs is terminated. */
  private watch(session: Session): void {
    const every = this.o.pingIntervalMs;
    session.liveness = setInterval(() => {
      const now = this.o.now();
      // While the socket is paused for back-pressure its pongs are not read: not a dead peer.
      if (session.draining) session.lastHeardMs = now;
      if (now - session.lastHeardMs > every + this.o.pongTimeoutMs) return this.abandon(session, 'pong_timeout', 'no pong or data: connection presumed dead');
      session.ws.ping();
    }, every);
  }

  /**
   * Data timeout (issue #5: "knows a quiet symbol from a dead socket"): pongs prove the socket lives,
   * this proves data flows. Checked only while data is expected; the allowed silence follows the
   * recent message rate (DataWatchdog), so a thin symbol's quiet minutes are not a dead feed.
   */
  private tick(session: Session): void {
    const now = this.o.now();
    this.o.metrics.lastMessageAge((now - session.lastFrameMs) / 1000);
    if (session.draining || !this.expectData(now * 1000)) return this.watchdog.reset(now);
    if (this.watchdog.expired(now)) this.abandon(session, 'data_timeout', `no data for ${this.watchdog.timeoutMs()} ms while data is expected`);
  }

  private abandon(session: Session, reason: PolygonReconnectReason, detail: string): void {
    if (session.end || session.ws.readyState === WebSocket.CLOSED) return;
    session.end = { reason, detail };
    this.logger.warn(`${this.source}: ${detail}; reconnecting`);
    session.ws.terminate();
  }

  private quiet(session: Session): void {
    clearTimeout(session.handshake);
    clearInterval(session.liveness);
    clearInterval(session.ticker);
    session.queue.length = 0;
  }

  private closed(session: Session, code: number): void {
    this.quiet(session);
    if (this.stopped || this.session !== session) return;
    const { reason, detail } = session.end
      ?? (session.opened ? { reason: 'server_closed' as const, detail: `connection closed (code ${code})` } : { reason: 'connect_error' as const, detail: session.error ?? `could not connect (code ${code})` });
    this.state.reconnects[reason] = (this.state.reconnects[reason] ?? 0) + 1;
    this.state.reason = this.redact(`${reason}: ${detail}`);
    this.state.state = 'waiting';
    this.o.metrics.reconnect(reason);
    const delay = backoffDelay(this.attempt++, this.o.backoff);
    this.logger.warn(`${this.source}: ${reason} (code ${code}); reconnect ${this.attempt} in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Frames are handled one at a time; the socket stays paused until the sink has taken a frame. */
  private enqueue(session: Session, data: RawData): void {
    session.lastHeardMs = session.lastFrameMs = this.o.now();
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
      // The sink could not take a frame: going on would lose it (trades and quotes have no backfill), so the connector stops.
      return this.fail(new PolygonStreamError(`${this.source}: the sink failed, stopping: ${(err as Error).message}`, err));
    } finally {
      session.draining = false;
    }
    if (session.ws.readyState === WebSocket.OPEN) session.ws.resume();
  }

  private async handle(session: Session, text: string): Promise<void> {
    this.stats.frames++;
    const frame = mapPolygonFrame(text, { provider: this.provider, ingestTime: nowMicros() });
    for (const s of frame.statuses) {
      this.o.metrics.message('status');
      this.onStatus(session, s);
    }
    if (this.stopped || this.session !== session) return;
    if (frame.records.length) await this.publish(frame.records);
    for (const r of frame.rejected) {
      this.o.metrics.message('rejected');
      await this.sink!.reject({ payload: r.index === null ? text : JSON.stringify(r.event), reason: this.redact(r.reason), source: this.source });
      this.stats.rejected++;
      this.state.rejected++;
    }
  }

  private async publish(records: PolygonRecord[]): Promise<void> {
    this.watchdog.data(this.o.now());
    for (const r of records) this.o.metrics.message(EVENT_TYPE[r.kind]);
    await this.sink!.publish(records);
    const nowUs = this.o.now() * 1000;
    for (const r of records) {
      const providerUs = providerTimeUs(r);
      if (providerUs !== undefined) this.o.metrics.publishLatency((nowUs - providerUs) / 1e6);
      if (r.kind === 'bar' && r.value.timeframe === '1m') this.lastLiveBarUs = Math.max(this.lastLiveBarUs ?? 0, r.value.eventTime);
    }
    this.stats.records += records.length;
    this.state.published += records.length;
    this.attempt = 0; // data flows again: the next outage starts from the shortest delay
  }

  private onStatus(session: Session, { status, message }: PolygonStatus): void {
    const said = this.redact(message);
    if (status === 'connected') return this.send(session, { action: 'auth', params: this.o.apiKey });
    if (status === 'auth_success') return this.subscribe(session);
    if (status === 'auth_failed') {
      return this.fail(new PolygonStreamError(`Polygon refused the API key (auth_failed: ${said}): check POLYGON_API_KEY and that the plan includes this WebSocket feed`));
    }
    // One connection per cluster and key: another process may hold it, or our last socket is not gone yet.
    if (status === 'max_connections') return this.abandon(session, 'max_connections', `max_connections: ${said}`);
    const subscribed = /^subscribed to: (.+)$/.exec(said);
    if (status === 'success' && subscribed) return void this.state.acknowledged.push(subscribed[1]);
    if (status === 'success') return;
    this.logger.warn(`${this.source}: status ${status}: ${said}`);
  }

  private subscribe(session: Session): void {
    clearTimeout(session.handshake);
    this.send(session, { action: 'subscribe', params: this.o.channels.join(',') });
    this.logger.log(`${this.source}: authenticated, subscribing to ${this.o.channels.join(',')}`);
    const now = this.o.now();
    this.state.state = 'streaming';
    this.state.streamed++;
    this.watchdog.reset(now);
    session.ticker = setInterval(() => this.tick(session), this.o.watchdogTickMs);
    if (this.coveredSinceUs === undefined) this.coveredSinceUs = now * 1000;
    else this.scheduleBackfill(now * 1000);
    this.ready?.resolve();
    this.ready = undefined;
  }

  /** After a reconnect: the AM symbols' minute bars of [a minute before the last live bar, now), bounded by maxBackfillMs. */
  private scheduleBackfill(nowUs: number): void {
    const window = gapWindow({ lastLiveBarUs: this.lastLiveBarUs, coveredSinceUs: this.coveredSinceUs, nowUs, maxBackfillMs: this.o.maxBackfillMs });
    if (this.backfill && window) this.backfill.request({ symbols: this.state.backfillSymbols, ...window });
  }

  private backfilled({ window, bars, error }: GapBackfillReport): void {
    this.state.backfills++;
    this.state.backfilledBars += bars;
    this.state.lastBackfill = { from: microsToIso(window.fromUs), to: microsToIso(window.toUs), bars, error: error === null ? null : this.redact(error) };
    this.o.metrics.backfilled(bars);
  }

  private send(session: Session, message: { action: string; params: string }): void {
    if (session.ws.readyState === WebSocket.OPEN) session.ws.send(JSON.stringify(message));
  }

  private fail(err: PolygonStreamError): void {
    if (this.stopped) return;
    this.stopped = true;
    this.state.state = 'failed';
    this.state.reason = this.redact(err.message);
    this.logger.error(err.message);
    clearTimeout(this.reconnectTimer);
    if (this.session) this.quiet(this.session);
    this.session?.ws.terminate();
    void this.backfill?.stop();
    this.ready?.reject(err);
    this.end.reject(err);
  }
}
