import { nowMicros } from '@md/market';
import { mapPolygonFrame, type PolygonFrame, type PolygonStatus } from '@md/providers';
import { LiveSocket, secretValue, type DataWatchdog, type RawFrame, type SocketEnd, type StreamLogger } from '@md/ingest';
import type { PolygonReconnectReason, ResolvedPolygonOptions } from './polygon-stream.options';
import { PolygonStreamError } from './polygon-stream.status';

// One connection's protocol (polygon.io/docs/stocks/ws_getting-started): on open the server says
// `connected`; we send {"action":"auth","params":KEY}; after `auth_success` we subscribe with
// {"action":"subscribe","params":"AM.DBB,T.AAPL"}. Subscriptions live with the connection, so every
// session authenticates and subscribes again. Frames are JSON arrays of events, handled one at a
// time: the socket reads no further while the sink takes a frame (back-pressure).

export type PolygonSessionEnd = SocketEnd<PolygonReconnectReason | 'fatal'>;

export interface PolygonSessionContext {
  options: ResolvedPolygonOptions;
  /** `polygon-stream <url>`, redacted: for log lines and dead letters. */
  source: string;
  redact(text: string): string;
  logger: StreamLogger;
  watchdog: DataWatchdog;
  expectData(nowUs: number): boolean;
  authenticating(): void;
  /** auth_success came and the subscription is sent. */
  subscribed(): void;
  acknowledged(channel: string): void;
  /** Publishes a frame's records and dead-letters its rejections (the connector owns the sink). */
  deliver(text: string, frame: PolygonFrame): Promise<void>;
}

export class PolygonSession {
  private readonly socket: LiveSocket<PolygonReconnectReason | 'fatal'>;
  private readonly handshake: NodeJS.Timeout;
  private ticker?: NodeJS.Timeout;
  private fatal?: PolygonStreamError;

  constructor(private readonly ctx: PolygonSessionContext) {
    const o = ctx.options;
    // One frame in flight and one waiting: the socket pauses while the sink takes a frame.
    this.socket = new LiveSocket({ ...o, inFlightFrames: 1, maxQueuedFrames: 1 }, (frame) => this.onFrame(frame));
    const ms = o.handshakeTimeoutMs;
    this.handshake = setTimeout(() => this.socket.close('handshake_timeout', `no auth_success within ${ms} ms`), ms);
  }

  /** Resolves once the connection is over and every frame read is handled; `fatal` is the error that stops the connector. */
  async run(): Promise<{ end: PolygonSessionEnd; fatal?: PolygonStreamError }> {
    const end = await this.socket.ended;
    clearTimeout(this.handshake);
    clearInterval(this.ticker);
    return { end, fatal: this.fatal };
  }

  /** A clean close; frames already read are still delivered. */
  stop(): void {
    this.socket.close('stopped', 'stopped');
  }

  get closed(): Promise<void> {
    return this.socket.closed;
  }

  get maxQueuedBytes(): number {
    return this.socket.maxQueuedBytes;
  }

  private async onFrame(frame: RawFrame): Promise<void> {
    const text = frame.data.toString();
    const mapped = mapPolygonFrame(text, { provider: this.ctx.options.provider, ingestTime: nowMicros() });
    for (const s of mapped.statuses) {
      this.ctx.options.metrics.message('status');
      this.onStatus(s);
    }
    await this.ctx.deliver(text, mapped);
  }

  private onStatus({ status, message }: PolygonStatus): void {
    const said = this.ctx.redact(message);
    if (status === 'connected') {
      this.ctx.authenticating();
      return this.send({ action: 'auth', params: secretValue(this.ctx.options.apiKey) });
    }
    if (status === 'auth_success') return this.subscribe();
    if (status === 'auth_failed') {
      this.fatal = new PolygonStreamError(`Polygon refused the API key (auth_failed: ${said}): check POLYGON_API_KEY and that the plan includes this WebSocket feed`);
      return this.socket.close('fatal', this.fatal.message);
    }
    // One connection per cluster and key: another process may hold it, or our last socket is not gone yet.
    if (status === 'max_connections') return this.socket.close('max_connections', `max_connections: ${said}`);
    const subscribed = /^subscribed to: (.+)$/.exec(said);
    if (status === 'success' && subscribed) return this.ctx.acknowledged(subscribed[1]);
    if (status === 'success') return;
    this.ctx.logger.warn(`${this.ctx.source}: status ${status}: ${said}`);
  }

  private subscribe(): void {
    const { channels, watchdogTickMs } = this.ctx.options;
    clearTimeout(this.handshake);
    this.send({ action: 'subscribe', params: channels.join(',') });
    this.ctx.logger.log(`${this.ctx.source}: authenticated, subscribing to ${channels.join(',')}`);
    this.ticker = setInterval(() => this.tick(), watchdogTickMs);
    this.ctx.subscribed();
  }

  /**
   * Data timeout: pongs prove the socket lives, this proves data flows. Checked only while data is
   * expected and no frame waits for the sink (a slow sink is not a dead feed); the allowed silence
   * follows the recent message rate, so a thin symbol's quiet minutes are not a dead feed.
   */
  private tick(): void {
    const now = this.ctx.options.now();
    this.ctx.options.metrics.lastMessageAge((now - this.socket.lastFrameAt) / 1000);
    const timeout = this.ctx.watchdog.check(now, !this.socket.busy && this.ctx.expectData(now * 1000));
    if (timeout) this.socket.close('data_timeout', timeout);
  }

  private send(message: { action: string; params: string }): void {
    this.socket.send(JSON.stringify(message));
  }
}
