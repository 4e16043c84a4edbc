import { classifyAlpacaFrame, type AlpacaBarRevisions, type AlpacaControl, type AlpacaItem } from '@md/providers';
import { LiveSocket, secretValue, type DataWatchdog, type RawFrame, type StreamLogger } from '@md/ingest';
import { AlpacaStreamError } from './alpaca-stream.errors';
import type { ReconnectReason } from './alpaca-stream.metrics';
import type { ResolvedStreamOptions } from './alpaca-stream.options';
import { SubscriptionPlan, type SubscribeRequest } from './alpaca-stream.subscriptions';
import { MSGPACK_HEADERS, decodeFrame, encodeRequest } from './alpaca-stream.wire';

// One connection's protocol (docs: "Communication flow"): wait for [{"T":"success","msg":"connected"}],
// authenticate (message, or headers at the upgrade), subscribe, then stream. Every session subscribes
// from scratch, so a reconnect resubscribes everything. State follows the server's frames, never the
// socket's open event: the real server answers 409 with the socket left open.

/** What a frame carries besides control messages: records, and messages to dead-letter. */
export type DataItem = Exclude<AlpacaItem, { kind: 'control' }>;

export type StreamState = 'idle' | 'connecting' | 'authenticating' | 'subscribing' | 'streaming' | 'waiting' | 'stopped' | 'failed';

export type SessionEnd =
  | { kind: 'reconnect'; reason: ReconnectReason; detail: string; streamedMs: number }
  | { kind: 'fatal'; error: AlpacaStreamError }
  | { kind: 'stopped' };

export interface SessionContext {
  options: ResolvedStreamOptions;
  url: string;
  watchdog: DataWatchdog;
  revisions: AlpacaBarRevisions;
  logger: StreamLogger;
  setState(state: StreamState): void;
  /** Publishes a frame's records and rejects the rest (the connector owns the sink). */
  deliver(frame: RawFrame, items: DataItem[]): Promise<void>;
  reject(frame: RawFrame, reason: string): Promise<void>;
  streaming(plan: SubscriptionPlan): void;
}

/**
 * Control messages that came before the handshake asked for them: the socket hands frames over as
 * they arrive, so with header auth "connected" and "authenticated" can both be read before the
 * handshake waits for the second. A handshake takes a few; more than this is a protocol error.
 */
const MAX_EARLY_CONTROLS = 16;

const RECONNECT_BY_CODE: Record<number, ReconnectReason> = { 401: 'not_authenticated', 404: 'auth_timeout', 406: 'connection_limit', 407: 'slow_client' };
const FATAL_HINT: Record<number, string> = {
  402: 'check keyId and secretKey',
  408: 'the account has no market data v2 access',
  409: 'the plan does not include this feed (the free plan has iex only)',
};

export class AlpacaSession {
  private readonly socket: LiveSocket<ReconnectReason | 'fatal'>;
  private waiter?: (control: AlpacaControl) => void;
  private readonly early: AlpacaControl[] = [];
  private fatal?: AlpacaStreamError;
  private streamingSince?: number;
  private ticker?: NodeJS.Timeout;

  constructor(private readonly ctx: SessionContext) {
    const o = ctx.options;
    const headers: Record<string, string> = o.encoding === 'msgpack' ? { ...MSGPACK_HEADERS } : {};
    if (o.authVia === 'headers') Object.assign(headers, { 'APCA-API-KEY-ID': secretValue(o.keyId), 'APCA-API-SECRET-KEY': secretValue(o.secretKey) });
    this.socket = new LiveSocket({ ...o, url: ctx.url, headers }, (frame) => this.onFrame(frame));
  }

  async run(): Promise<SessionEnd> {
    await this.handshake();
    const end = await this.socket.ended;
    clearInterval(this.ticker);
    if (this.fatal) return { kind: 'fatal', error: this.fatal };
    if (end.reason === 'stopped' || end.reason === 'fatal') return { kind: 'stopped' };
    const streamedMs = this.streamingSince === undefined ? 0 : this.ctx.options.now() - this.streamingSince;
    return { kind: 'reconnect', reason: end.reason, detail: end.detail, streamedMs };
  }

  stop(): void {
    this.socket.close('stopped', 'stopped');
  }

  private async handshake(): Promise<void> {
    const o = this.ctx.options;
    this.ctx.setState('connecting');
    if (!(await this.expect('connected'))) return;
    this.ctx.setState('authenticating');
    if (o.authVia === 'message') this.send({ action: 'auth', key: secretValue(o.keyId), secret: secretValue(o.secretKey) });
    if (!(await this.expect('authenticated'))) return;
    this.ctx.setState('subscribing');
    const plan = new SubscriptionPlan(o.symbols, o.subscribeBatch);
    for (let request = plan.next(); request; request = plan.next()) if (!(await this.subscribe(plan, request))) return;
    if (this.socket.finished) return;
    this.streamingSince = o.now();
    this.ctx.watchdog.reset(this.streamingSince);
    this.ticker = setInterval(() => this.tick(), o.watchdogTickMs);
    this.ctx.streaming(plan);
  }

  private async subscribe(plan: SubscriptionPlan, request: SubscribeRequest): Promise<boolean> {
    this.send({ action: 'subscribe', [request.channel]: request.symbols });
    const reply = await this.reply();
    if (!reply) return false;
    if (reply.type === 'subscription') plan.acknowledged(reply.subscriptions);
    else if (reply.type === 'error' && reply.code === 405) plan.overSymbolLimit(request);
    else {
      plan.refused(request);
      this.ctx.logger.error(`subscribing ${request.channel} ${request.symbols.join(',')} was refused: ${describe(reply)}`);
    }
    return true;
  }

  private async expect(type: 'connected' | 'authenticated'): Promise<boolean> {
    const reply = await this.reply();
    if (reply && reply.type !== type) this.socket.close('protocol_error', `expected "${type}", got ${describe(reply)}`);
    return reply?.type === type;
  }

  /** The next control message, or undefined when the connection ends or no answer comes in time. */
  private reply(): Promise<AlpacaControl | undefined> {
    if (this.early.length) return Promise.resolve(this.early.shift());
    return new Promise((resolve) => {
      const ms = this.ctx.options.handshakeTimeoutMs;
      const timer = setTimeout(() => this.socket.close('handshake_timeout', `no answer within ${ms} ms`), ms);
      const settle = (control: AlpacaControl | undefined) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(control);
      };
      this.waiter = settle;
      void this.socket.closing.then(() => settle(undefined));
    });
  }

  private send(request: Record<string, unknown>): void {
    this.socket.send(encodeRequest(request, this.ctx.options.encoding));
  }

  private async onFrame(frame: RawFrame): Promise<void> {
    const decoded = decodeFrame(frame.data, frame.binary);
    if (!decoded.ok) return this.ctx.reject(frame, decoded.reason);
    const { provider } = this.ctx.options;
    const revision = this.ctx.revisions.revision.bind(this.ctx.revisions);
    const items = classifyAlpacaFrame(decoded.value, { provider, ingestTime: frame.receivedAtMs * 1000, revision: (bar, type) => revision(bar, type, frame.receivedAtMs) });
    const data: DataItem[] = [];
    for (const item of items) {
      if (item.kind === 'control') this.onControl(item.control);
      else data.push(item);
    }
    await this.ctx.deliver(frame, data);
  }

  private onControl(control: AlpacaControl): void {
    this.ctx.options.metrics.message(control.type === 'connected' || control.type === 'authenticated' ? 'success' : control.type);
    if (control.type === 'error' && control.action === 'fail') return this.failWith(control.code, control.message);
    if (control.type === 'error' && (control.action === 'reconnect' || control.action === 'wait-connection-limit')) {
      return this.socket.close(RECONNECT_BY_CODE[control.code] ?? 'server_error', `Alpaca error ${control.code} ${control.message}`);
    }
    if (this.waiter) return this.waiter(control);
    if (this.streamingSince === undefined) return this.keepForHandshake(control);
    if (control.type === 'error') this.ctx.logger.warn(`Alpaca error ${control.code} ${control.message}`);
  }

  private keepForHandshake(control: AlpacaControl): void {
    if (this.early.length >= MAX_EARLY_CONTROLS) return this.socket.close('protocol_error', `over ${MAX_EARLY_CONTROLS} control messages unasked for during the handshake`);
    this.early.push(control);
  }

  private failWith(code: number, message: string): void {
    const hint = FATAL_HINT[code] ?? 'not retrying';
    this.fatal = new AlpacaStreamError(`Alpaca stream ${this.ctx.url}: error ${code} ${message}: ${hint}; stopped`, code);
    this.socket.close('fatal', this.fatal.message);
  }

  private tick(): void {
    const now = this.ctx.options.now();
    this.ctx.options.metrics.lastMessageAge((now - this.socket.lastFrameAt) / 1000);
    const timeout = this.ctx.watchdog.check(now, this.ctx.options.expectData(now * 1000));
    if (timeout) this.socket.close('data_timeout', timeout);
  }
}

function describe(control: AlpacaControl): string {
  return control.type === 'error' ? `error ${control.code} ${control.message}` : control.type;
}
