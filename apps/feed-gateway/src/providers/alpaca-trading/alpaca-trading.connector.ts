import WebSocket from 'ws';
import { Logger } from '@nestjs/common';
import { backoffDelay } from '@md/kafka';
import type { PositionRecord } from '@md/contracts';
import { ConcentrationWatch, MICROS_PER_MS } from '@md/market';
import { mapTradeUpdate, type AlpacaAccountScope } from '@md/providers';
import { InterruptibleSleep, redactor, secretValue, type CanonicalRecord, type RecordSink, type Secret, type StreamingConnector } from '@md/ingest';
import { alpacaHttp, type AlpacaHttp } from '../alpaca/alpaca-rest.http';
import { positionAfterFill, readPositions, recoverWindow } from './alpaca-trading.recovery';

// Alpaca's account stream (docs.alpaca.markets "Websocket Streaming": wss://paper-api.alpaca.markets/stream
// or api.alpaca.markets/stream): {"action":"auth","key","secret"} -> {"stream":"authorization",
// "data":{"status":"authorized"}}; {"action":"listen","data":{"streams":["trade_updates"]}} ->
// {"stream":"listening"}; then {"stream":"trade_updates","data":{event, order, timestamp, ...}}.
// The paper endpoint sends binary frames: every frame is read as UTF-8 JSON. The stream keeps no
// backlog, so each session, once listening, reads over REST what the previous one may have missed
// (alpaca-trading.recovery.ts). Liveness as the market-data stream: ping, and a session without a
// pong in time is ended and reopened after a capped, jittered backoff. A refused key stops the
// connector: retrying cannot fix it.

export interface AlpacaTradingOptions {
  /** https://paper-api.alpaca.markets (or a simulator). */
  restUrl: string;
  /** wss://paper-api.alpaca.markets/stream (or a simulator's). */
  streamUrl: string;
  /** Read at each session and request: a rotating key (ALPACA_*_FILE) needs no restart. */
  keyId: Secret;
  secretKey: Secret;
  /** The account as it appears in every record; never its number. */
  accountAlias: string;
  backoff: { initialMs: number; maxMs: number };
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** Positions are read over REST this often (and after each fill and each reconnect). */
  positionsIntervalMs: number;
  /** On the first session, orders submitted this far back are read (GTC orders outlive a day). */
  ordersLookbackMs: number;
  /** Read back this much before the last event heard: clocks and in-flight events. */
  recoveryOverlapMs: number;
  /** A symbol over this share of the account's gross exposure raises a position_concentration risk event. */
  concentrationLimit: number;
}

export interface AlpacaTradingStatus {
  state: 'idle' | 'connecting' | 'listening' | 'waiting' | 'stopped' | 'failed';
  reason: string | null;
  sessions: number;
  events: number;
  recoveries: number;
  recovered: { orders: number; executions: number };
  rejected: number;
}

class Refused extends Error {}

export class AlpacaTradingConnector implements StreamingConnector {
  readonly provider = 'alpaca-trading';
  private readonly logger = new Logger('AlpacaTrading');
  private readonly http: AlpacaHttp;
  private readonly redact: (text: string) => string;
  private readonly sleeper = new InterruptibleSleep();
  private readonly state: AlpacaTradingStatus = { state: 'idle', reason: null, sessions: 0, events: 0, recoveries: 0, recovered: { orders: 0, executions: 0 }, rejected: 0 };
  private sink?: RecordSink;
  private socket?: WebSocket;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private positionsTimer?: NodeJS.Timeout;
  /** The account's open positions as last read, for the closed ones and the concentration events. */
  private readonly concentration: ConcentrationWatch;
  /** The newest event time heard (µs); the next recovery reads from a little before it. */
  private heardUs?: number;
  private firstListen?: { resolve: () => void; reject: (err: Error) => void };

  constructor(private readonly o: AlpacaTradingOptions) {
    this.http = alpacaHttp({ baseUrl: o.restUrl, keyId: o.keyId, secretKey: o.secretKey });
    this.redact = redactor([o.keyId, o.secretKey]);
    this.concentration = new ConcentrationWatch(o.concentrationLimit);
  }

  /** Resolves once the first session listens (and its recovery is done); rejects if the key is refused first. */
  start(sink: RecordSink): Promise<void> {
    if (this.running) throw new Error('AlpacaTradingConnector already started');
    this.sink = sink;
    this.running = true;
    const listening = new Promise<void>((resolve, reject) => (this.firstListen = { resolve, reject }));
    this.loop = this.run();
    this.positionsTimer = setInterval(() => void this.readPositions('rest'), this.o.positionsIntervalMs);
    return listening;
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.positionsTimer);
    this.sleeper.interrupt();
    this.socket?.close();
    await this.loop;
    if (this.state.state !== 'failed') this.state.state = 'stopped';
  }

  status(): AlpacaTradingStatus {
    return { ...this.state, recovered: { ...this.state.recovered } };
  }

  private scope(): AlpacaAccountScope {
    return { accountAlias: this.o.accountAlias, ingestTime: Date.now() * MICROS_PER_MS };
  }

  private async run(): Promise<void> {
    for (let attempt = 0; this.running; attempt++) {
      try {
        if (await this.session()) attempt = 0;
      } catch (err) {
        if (err instanceof Refused) return this.fail(err.message);
        this.state.reason = this.redact((err as Error).message);
        this.logger.warn(`account stream failed: ${this.state.reason}`);
      }
      if (!this.running) return;
      this.state.state = 'waiting';
      await this.sleeper.sleep(backoffDelay(attempt, this.o.backoff));
    }
  }

  private fail(reason: string): void {
    this.running = false;
    this.state.state = 'failed';
    this.state.reason = reason;
    this.logger.error(`account stream stopped: ${reason}`);
    this.firstListen?.reject(new Error(reason));
  }

  /** One connection, until it closes; true if it got as far as listening. */
  private session(): Promise<boolean> {
    this.state.state = 'connecting';
    this.state.sessions++;
    const ws = new WebSocket(this.o.streamUrl);
    this.socket = ws;
    let listened = false;
    let chain: Promise<void> = Promise.resolve();
    let ping: NodeJS.Timeout | undefined;
    let pongDue: NodeJS.Timeout | undefined;
    return new Promise<boolean>((resolve, reject) => {
      let ended = false;
      const end = (err?: Error) => {
        if (ended) return;
        ended = true;
        clearInterval(ping);
        clearTimeout(pongDue);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        if (err) this.state.reason = this.redact(err.message);
        if (err && this.running && !(err instanceof Refused)) this.logger.warn(`account stream session ${this.state.sessions} ended: ${this.state.reason}`);
        // What was received before the end is published before the next session starts.
        void chain.then(() => (err instanceof Refused ? reject(err) : resolve(listened)), reject);
      };
      ws.on('open', () => {
        ws.send(JSON.stringify({ action: 'auth', key: secretValue(this.o.keyId), secret: secretValue(this.o.secretKey) }));
        ping = setInterval(() => {
          ws.ping();
          pongDue ??= setTimeout(() => end(new Error(`no pong within ${this.o.pongTimeoutMs} ms`)), this.o.pongTimeoutMs);
        }, this.o.pingIntervalMs);
      });
      ws.on('pong', () => { clearTimeout(pongDue); pongDue = undefined; });
      ws.on('message', (data: WebSocket.RawData) => {
        chain = chain.then(() => this.onFrame(ws, data)).then((now) => {
          if (now === 'listening' && !listened) {
            listened = true;
            return this.afterListen();
          }
          return undefined;
        }).catch((err: Error) => end(err));
      });
      ws.on('close', (code, reason) => end(new Error(`closed ${code} ${reason.toString()}`.trim())));
      ws.on('error', (err) => end(err));
    });
  }

  /** One frame: the handshake's answers, or an event. Returns 'listening' when the stream is ready. */
  private async onFrame(ws: WebSocket, data: WebSocket.RawData): Promise<string | undefined> {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    let message: { stream?: string; data?: Record<string, unknown> };
    try {
      message = JSON.parse(text);
    } catch {
      await this.reject(text, 'frame is not JSON');
      return undefined;
    }
    if (message.stream === 'authorization') {
      if (message.data?.status !== 'authorized') throw new Refused(`Alpaca refused the key (${String(message.data?.status)}); check ALPACA_KEY_ID / ALPACA_SECRET_KEY for the trading API`);
      ws.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
      return undefined;
    }
    if (message.stream === 'listening') return 'listening';
    if (message.stream === 'trade_updates') await this.onTradeUpdate(message.data, text);
    return undefined;
  }

  private async onTradeUpdate(data: unknown, text: string): Promise<void> {
    let mapped: ReturnType<typeof mapTradeUpdate>;
    try {
      mapped = mapTradeUpdate(data, this.scope());
    } catch (err) {
      return this.reject(text, (err as Error).message);
    }
    this.state.events++;
    this.heardUs = Math.max(this.heardUs ?? 0, mapped.order.eventTime);
    const records: CanonicalRecord[] = [{ kind: 'order', value: mapped.order }];
    if (mapped.execution) {
      records.push({ kind: 'execution', value: mapped.execution });
      records.push(...this.positionsRead([await positionAfterFill(this.http, this.scope(), mapped.order.symbol)]));
    }
    await this.sink!.publish(records);
  }

  /** The stream listens: read what it may have missed, then positions. */
  private async afterListen(): Promise<void> {
    const nowUs = Date.now() * MICROS_PER_MS;
    const since = this.heardUs === undefined ? nowUs - this.o.ordersLookbackMs * MICROS_PER_MS : this.heardUs - this.o.recoveryOverlapMs * MICROS_PER_MS;
    const report = await recoverWindow(this.http, this.sink!, () => this.scope(), {
      ordersSinceUs: nowUs - this.o.ordersLookbackMs * MICROS_PER_MS, changedSinceUs: since,
    });
    this.heardUs = Math.max(this.heardUs ?? 0, report.newestUs ?? 0) || undefined;
    this.state.recoveries++;
    this.state.recovered.orders += report.orders;
    this.state.recovered.executions += report.executions;
    this.state.rejected += report.rejected;
    await this.readPositions('rest');
    this.state.state = 'listening';
    this.state.reason = null;
    this.logger.log(`account ${this.o.accountAlias}: listening (session ${this.state.sessions}); recovered ${report.orders} order states and ${report.executions} fills`);
    this.firstListen?.resolve();
  }

  private async readPositions(source: string): Promise<void> {
    if (!this.sink || !this.running) return;
    try {
      const records = this.positionsRead(await readPositions(this.http, this.scope(), this.concentration.openSymbols(this.o.accountAlias), source));
      if (records.length) await this.sink.publish(records);
    } catch (err) {
      this.logger.warn(`positions read failed, next in ${this.o.positionsIntervalMs} ms: ${this.redact((err as Error).message)}`);
    }
  }

  /** Positions as records, with a risk event for each symbol newly over the concentration limit. */
  private positionsRead(positions: readonly PositionRecord[]): CanonicalRecord[] {
    const events = this.concentration.update(positions);
    return [...positions.map((value): CanonicalRecord => ({ kind: 'position', value })), ...events.map((value): CanonicalRecord => ({ kind: 'risk_event', value }))];
  }

  private async reject(payload: string, reason: string): Promise<void> {
    this.state.rejected++;
    await this.sink!.reject({ payload, reason, source: `alpaca-trading ${this.o.streamUrl}` });
  }
}
