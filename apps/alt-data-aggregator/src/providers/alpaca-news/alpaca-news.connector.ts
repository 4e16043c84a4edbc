import { Logger } from '@nestjs/common';
import { parseAlpacaNewsFrame, type NewsControl } from '@md/altdata';
import { backoffDelay, type BackoffPolicy } from '@md/kafka';
import { InterruptibleSleep, LiveSocket, redactingLogger, redactor, secretValue, type RawFrame, type Secret, type SocketEnd, type StreamLogger } from '@md/ingest';
import type { AltDataProvider, ProviderSink, ProviderStatus } from '../provider';

// Alpaca real-time news (docs.alpaca.markets "Real-time News"; control protocol as in "Real-time
// Stock Data"): wait for [{"T":"success","msg":"connected"}], authenticate with
// {"action":"auth","key","secret"}, subscribe {"action":"subscribe","news":[…]}, then stream
// [{"T":"n",…}] articles. Every session subscribes from scratch, so a reconnect resubscribes.
// Sessions end and reopen after a capped, fully jittered backoff; error 406 (connection limit
// exceeded) waits connectionLimitDelayMs instead so the stale session can expire; 402 (auth
// failed), 408 (no market data access) and 409 (insufficient subscription) stop the connector:
// retrying cannot fix credentials or a plan. Malformed frames and articles are dead-lettered.
// The key and secret go into the auth message only, never into a log line or a status (every
// line passes a redactor). The socket is the ingest kit's LiveSocket, frames handled one at a time.

/** Why a session ended, besides the socket's own reasons (connect_error, server_closed, pong_timeout, publish_failed). */
export type NewsEndReason = 'handshake_timeout' | 'server_error' | 'connection_limit' | 'fatal';
export type NewsSessionEnd = SocketEnd<NewsEndReason>;

export interface AlpacaNewsOptions {
  url: string;
  /** Read at each session: a rotating key (ALPACA_*_FILE) needs no restart. */
  keyId: Secret;
  secretKey: Secret;
  symbols: string[];
  backoff: BackoffPolicy;
  connectionLimitDelayMs: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** Deadline for each handshake step (connected, authenticated, subscription). */
  handshakeTimeoutMs?: number;
  /** A session that streamed this long resets the backoff. */
  stableAfterMs?: number;
  onReconnect?: (reason: NewsSessionEnd['reason']) => void;
}

const FATAL: Record<number, string> = {
  402: 'check ALPACA_KEY_ID and ALPACA_SECRET_KEY',
  408: 'the account has no market data access',
  409: 'the plan does not include the news stream',
};
const LOGGED_REJECTIONS = 10;

export class AlpacaNewsConnector implements AltDataProvider {
  readonly name = 'alpaca-news';
  private readonly logger: StreamLogger;
  private state: ProviderStatus = { state: 'starting', reason: null };
  private socket?: LiveSocket<NewsEndReason>;
  private sink?: ProviderSink;
  private running = false;
  private readonly sleeper = new InterruptibleSleep();
  private step: 'connected' | 'authenticated' | 'subscription' | 'streaming' = 'connected';
  private stepTimer?: NodeJS.Timeout;
  private fatal?: string;
  private rejected = 0;

  constructor(private readonly options: AlpacaNewsOptions) {
    this.logger = redactingLogger(new Logger(AlpacaNewsConnector.name), redactor([options.keyId, options.secretKey]));
  }

  async run(sink: ProviderSink): Promise<void> {
    this.sink = sink;
    this.running = true;
    let failures = 0;
    while (this.running) {
      const started = Date.now();
      const end = await this.session();
      if (this.fatal) {
        this.state = { state: 'failed', reason: this.fatal };
        this.logger.error(`${this.options.url}: ${this.fatal}`);
        throw new Error(this.fatal);
      }
      if (!this.running) break;
      failures = Date.now() - started >= (this.options.stableAfterMs ?? 10_000) ? 0 : failures + 1;
      const delay = end.reason === 'connection_limit' ? this.options.connectionLimitDelayMs : backoffDelay(failures, this.options.backoff);
      this.state = { state: 'waiting', reason: `${end.reason}: ${end.detail}` };
      this.options.onReconnect?.(end.reason);
      this.logger.warn(`${this.options.url}: session ended (${end.reason}: ${end.detail}); reconnecting in ${delay} ms`);
      await this.sleeper.sleep(delay);
    }
    this.state = { state: 'stopped', reason: null };
  }

  async stop(): Promise<void> {
    this.running = false;
    this.socket?.close('stopped', 'stopped');
    this.sleeper.interrupt();
  }

  status(): ProviderStatus {
    return { ...this.state };
  }

  private session(): Promise<NewsSessionEnd> {
    const { url, pingIntervalMs, pongTimeoutMs, handshakeTimeoutMs = 10_000 } = this.options;
    this.state = { state: 'starting', reason: null };
    this.socket = new LiveSocket<NewsEndReason>(
      { url, maxFrameBytes: 16 * 1024 * 1024, inFlightFrames: 1, maxQueuedFrames: 256, pingIntervalMs, pongTimeoutMs, handshakeTimeoutMs },
      (frame) => this.onFrame(frame),
    );
    this.expect('connected');
    return this.socket.ended.finally(() => clearTimeout(this.stepTimer));
  }

  /** The next handshake step must come within the deadline, or the session is replaced. */
  private expect(step: 'connected' | 'authenticated' | 'subscription'): void {
    this.step = step;
    clearTimeout(this.stepTimer);
    const ms = this.options.handshakeTimeoutMs ?? 10_000;
    this.stepTimer = setTimeout(() => this.socket?.close('handshake_timeout', `no "${step}" within ${ms} ms`), ms);
  }

  private async onFrame({ data, binary }: RawFrame): Promise<void> {
    const source = `alpaca-news ${this.options.url}`;
    if (binary) return this.reject(data, 'binary frame: this connector asks for JSON', source);
    const frame = parseAlpacaNewsFrame(data.toString('utf8'), this.name);
    if (!frame.ok) return this.reject(data, frame.reason, source);
    const documents = [];
    for (const item of frame.items) {
      if (item.kind === 'control') this.onControl(item.control);
      else if (item.kind === 'news') documents.push({ kind: 'document' as const, value: item.document });
      else await this.reject(JSON.stringify(item.message), item.reason, source);
    }
    if (documents.length) await this.sink!.publish(documents);
  }

  private onControl(control: NewsControl): void {
    const socket = this.socket!;
    if (control.type === 'error') {
      if (FATAL[control.code]) {
        this.fatal = `Alpaca news error ${control.code} ${control.message}: ${FATAL[control.code]}; stopped`;
        return socket.close('fatal', this.fatal);
      }
      return socket.close(control.code === 406 ? 'connection_limit' : 'server_error', `Alpaca error ${control.code} ${control.message}`);
    }
    if (control.type !== this.step) return; // a repeated acknowledgement: nothing to do
    if (control.type === 'connected') {
      socket.send(JSON.stringify({ action: 'auth', key: secretValue(this.options.keyId), secret: secretValue(this.options.secretKey) }));
      return this.expect('authenticated');
    }
    if (control.type === 'authenticated') {
      socket.send(JSON.stringify({ action: 'subscribe', news: this.options.symbols }));
      return this.expect('subscription');
    }
    clearTimeout(this.stepTimer);
    this.step = 'streaming';
    this.state = { state: 'running', reason: null };
    this.logger.log(`${this.options.url}: streaming news for ${control.news.join(',')}`);
  }

  private async reject(payload: Buffer | string, reason: string, source: string): Promise<void> {
    if (++this.rejected <= LOGGED_REJECTIONS) this.logger.warn(`rejected: ${reason}`);
    await this.sink!.reject({ payload, reason, source });
  }
}
