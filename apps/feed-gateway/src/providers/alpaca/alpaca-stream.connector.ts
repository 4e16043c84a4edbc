import { AlpacaBarRevisions, type AlpacaChannel, type AlpacaRecord, type AlpacaSubscriptions } from '@md/providers';
import { backoffDelay } from '@md/kafka';
import {
  DataWatchdog, GapBackfill, InterruptibleSleep, LatencyWindow, redactingLogger, redactor,
  type GapBackfillReport, type PublishLatency, type RawFrame, type RecordSink, type StreamLogger, type StreamingConnector,
} from '@md/ingest';
import type { AlpacaStreamError } from './alpaca-stream.errors';
import type { ReconnectReason } from './alpaca-stream.metrics';
import { resolveStreamOptions, type AlpacaStreamOptions, type ResolvedStreamOptions } from './alpaca-stream.options';
import { AlpacaSession, type DataItem, type SessionContext, type SessionEnd, type StreamState } from './alpaca-stream.session';
import type { SubscriptionPlan } from './alpaca-stream.subscriptions';

// Alpaca market data v2 real-time stream → canonical records (docs.alpaca.markets "WebSocket Stream").
// One session at a time; when it ends, the next opens after a capped, fully jittered backoff (a 406
// waits connectionLimitDelayMs instead, so a stale session can expire: no reconnect storm), subscribes
// everything again and backfills what was missed. 402, 408 and 409 stop the connector: retrying
// cannot fix credentials or a plan.

export interface AlpacaStreamStatus {
  state: StreamState;
  url: string;
  /** Why the last session ended, or why the connector failed. */
  reason: string | null;
  /** What the server acknowledged (its full state, corrections and cancelErrors included). */
  subscriptions: AlpacaSubscriptions;
  /** Refused with 405 (symbol limit exceeded): configured but not streaming. */
  overLimit: Partial<Record<AlpacaChannel, string[]>>;
  /** Refused with 400 (invalid syntax). */
  invalid: Partial<Record<AlpacaChannel, string[]>>;
  reconnects: Partial<Record<ReconnectReason, number>>;
  /** Connections opened, and how many of them got as far as streaming. */
  sessions: number;
  streamed: number;
  published: number;
  rejected: number;
  backfilledBars: number;
  /** Provider time to Kafka acknowledgement of the last LATENCY_WINDOW records that carry one; null before any. */
  publishLatencyMs: PublishLatency | null;
}

const MINUTE_US = 60_000_000;
const LOGGED_REJECTIONS = 10;

export class AlpacaStreamConnector implements StreamingConnector {
  readonly provider: string;
  readonly url: string;
  private readonly options: ResolvedStreamOptions;
  private readonly redact: (text: string) => string;
  private readonly logger: StreamLogger;
  private readonly watchdog: DataWatchdog;
  private readonly revisions = new AlpacaBarRevisions();
  private readonly state: AlpacaStreamStatus;
  private readonly ready = deferred();
  private readonly latencies = new LatencyWindow();
  private readonly sleeper = new InterruptibleSleep();
  private sink?: RecordSink;
  private session?: AlpacaSession;
  private backfill?: GapBackfill;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private lastLiveBarUs?: number;

  constructor(options: AlpacaStreamOptions) {
    this.options = resolveStreamOptions(options);
    this.redact = redactor([options.keyId, options.secretKey]);
    this.logger = redactingLogger(this.options.logger, this.redact);
    this.url = `${this.options.baseUrl.replace(/\/+$/, '')}/v2/${this.options.feed}`;
    this.provider = this.options.provider;
    this.watchdog = new DataWatchdog(this.options.dataTimeout);
    this.state = {
      state: 'idle', url: this.url, reason: null, subscriptions: {}, overLimit: {}, invalid: {}, reconnects: {},
      sessions: 0, streamed: 0, published: 0, rejected: 0, backfilledBars: 0, publishLatencyMs: null,
    };
  }

  /** Resolves once the first session streams; rejects with an AlpacaStreamError if it fails for good first. */
  start(sink: RecordSink): Promise<void> {
    if (this.running) throw new Error('AlpacaStreamConnector already started');
    this.sink = sink;
    if (this.options.backfill) this.backfill = new GapBackfill(this.options.backfill, sink, { logger: this.logger, onDone: (report) => this.backfilled(report) });
    this.running = true;
    this.loop = this.run();
    return this.ready.promise;
  }

  /** Ends the session (frames already read are still delivered) and any backfill in progress (after its current page). */
  async stop(): Promise<void> {
    this.running = false;
    this.session?.stop();
    this.sleeper.interrupt();
    await this.loop;
    await this.backfill?.stop();
  }

  status(): AlpacaStreamStatus {
    return { ...structuredClone(this.state), publishLatencyMs: this.latencies.summary() };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.state.sessions++;
      this.session = new AlpacaSession(this.sessionContext());
      const end = await this.session.run();
      if (end.kind === 'stopped' || !this.running) break;
      if (end.kind === 'fatal') return this.fail(end.error);
      failures = end.streamedMs >= this.options.stableAfterMs ? 0 : failures + 1;
      await this.sleeper.sleep(this.reconnectDelay(end, failures));
    }
    this.state.state = 'stopped';
    this.ready.resolve();
  }

  private reconnectDelay(end: Extract<SessionEnd, { kind: 'reconnect' }>, failures: number): number {
    this.state.reconnects[end.reason] = (this.state.reconnects[end.reason] ?? 0) + 1;
    this.state.reason = this.redact(`${end.reason}: ${end.detail}`);
    this.state.state = 'waiting';
    this.options.metrics.reconnect(end.reason);
    const delay = end.reason === 'connection_limit' ? this.options.connectionLimitDelayMs : backoffDelay(failures, this.options.backoff);
    this.logger.warn(`session ended (${this.state.reason}); reconnecting in ${delay} ms`);
    return delay;
  }

  private fail(error: AlpacaStreamError): void {
    this.state.state = 'failed';
    this.state.reason = this.redact(error.message);
    this.logger.error(this.state.reason);
    this.ready.reject(error);
  }

  private sessionContext(): SessionContext {
    return {
      options: this.options, url: this.url, watchdog: this.watchdog, revisions: this.revisions, logger: this.logger,
      setState: (state) => (this.state.state = state),
      deliver: (frame, items) => this.deliver(frame, items),
      reject: (frame, reason) => this.reject(frame, reason),
      streaming: (plan) => this.streaming(plan),
    };
  }

  private streaming(plan: SubscriptionPlan): void {
    Object.assign(this.state, { state: 'streaming', subscriptions: plan.accepted, overLimit: plan.overLimit, invalid: plan.invalid });
    this.state.streamed++;
    this.logger.log(`streaming ${this.url}: ${JSON.stringify(plan.accepted)}`);
    if (Object.keys(plan.overLimit).length) this.logger.warn(`symbol limit exceeded (405), not streaming: ${JSON.stringify(plan.overLimit)}`);
    this.ready.resolve();
    this.scheduleBackfill();
  }

  private async deliver(frame: RawFrame, items: DataItem[]): Promise<void> {
    const records: AlpacaRecord[] = [];
    for (const item of items) {
      if (item.kind !== 'record') continue;
      this.options.metrics.message(item.type);
      records.push(item.record);
    }
    for (const item of items) if (item.kind !== 'rejected') this.watchdog.data(frame.receivedAtMs);
    if (records.length) await this.publish(records);
    for (const item of items) if (item.kind !== 'record') await this.reject(frame, item.reason, item.kind === 'unmapped' ? item.type : 'rejected');
  }

  private async publish(records: AlpacaRecord[]): Promise<void> {
    await this.sink!.publish(records);
    const nowUs = this.options.now() * 1000;
    for (const r of records) {
      const providerUs = providerTimeUs(r);
      if (providerUs !== undefined) this.observeLatency((nowUs - providerUs) / 1000);
      if (r.kind === 'bar' && r.value.timeframe === '1m') this.lastLiveBarUs = Math.max(this.lastLiveBarUs ?? 0, r.value.eventTime);
    }
    this.state.published += records.length;
  }

  private observeLatency(ms: number): void {
    this.options.metrics.publishLatency(ms / 1000);
    this.latencies.observe(ms);
  }

  /** Dead-letters a frame with the reason; `type` is what the metrics count it as (a valid but unmapped T, or 'rejected'). */
  private async reject(frame: RawFrame, reason: string, type = 'rejected'): Promise<void> {
    this.options.metrics.message(type);
    const redacted = this.redact(reason);
    if (++this.state.rejected <= LOGGED_REJECTIONS) this.logger.warn(`rejected a frame: ${redacted}`);
    await this.sink!.reject({ payload: frame.binary ? frame.data : frame.data.toString('utf8'), reason: redacted, source: `alpaca-stream ${this.url}` });
  }

  /** After a reconnect: the bars of [last bar received, now), bounded by maxBackfillMs (GapBackfill runs one window at a time). */
  private scheduleBackfill(): void {
    const symbols = [...new Set(this.options.symbols.bars ?? [])].filter((s) => s !== '*');
    if (!this.backfill || this.lastLiveBarUs === undefined || !symbols.length) return;
    const toUs = this.options.now() * 1000;
    this.backfill.request({ symbols, fromUs: Math.max(this.lastLiveBarUs, toUs - this.options.maxBackfillMs * 1000), toUs });
  }

  /** The gap stays when a walk fails (it is logged); the quality monitor reports missing bars. */
  private backfilled({ bars }: GapBackfillReport): void {
    this.state.backfilledBars += bars;
    this.options.metrics.backfilled(bars);
  }
}

/** When the provider had the record: a trade or quote at its time, a minute bar when its minute ended; else unknown. */
function providerTimeUs(r: AlpacaRecord): number | undefined {
  if (r.kind !== 'bar') return r.value.eventTime;
  return r.value.timeframe === '1m' && r.value.revision === 0 ? r.value.eventTime + MINUTE_US : undefined;
}

function deferred(): { promise: Promise<void>; resolve(): void; reject(err: Error): void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // a caller that does not await start() must not crash the process
  return { promise, resolve, reject };
}
