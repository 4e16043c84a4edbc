import { microsToIso } from '@md/market';
import type { PolygonFrame, PolygonRecord } from '@md/providers';
import { backoffDelay } from '@md/kafka';
import {
  DataWatchdog, GapBackfill, InterruptibleSleep, redactingLogger, redactor,
  type GapBackfillReport, type RecordSink, type StreamLogger, type StreamingConnector,
} from '@md/ingest';
import { PolygonAggregatesClient } from './polygon-aggregates.client';
import { gapWindow, minuteBarSymbols } from './polygon-stream.gap';
import { dataExpectedAt, resolvePolygonOptions, type PolygonReconnectReason, type PolygonStreamOptions, type ResolvedPolygonOptions } from './polygon-stream.options';
import { PolygonSession } from './polygon-stream.session';
import { PolygonStreamError, type PolygonStreamStats, type PolygonStreamStatus } from './polygon-stream.status';

export type { PolygonStreamOptions } from './polygon-stream.options';
export { PolygonStreamError, type PolygonStreamStats, type PolygonStreamStatus } from './polygon-stream.status';

// Polygon.io (Massive) stocks WebSocket → canonical records. One session at a time
// (polygon-stream.session.ts speaks the protocol); when it ends, the next opens after a capped,
// fully jittered backoff, reset once data flows again. Resilience as for Alpaca (issue #5):
// ping/pong liveness (the ingest kit's LiveSocket); a data timeout scaled by the recent message
// rate while data is expected; after every reconnect the AM symbols' missed minutes are fetched
// from the aggregates REST and published (GapBackfill). auth_failed stops the connector, and so
// does a failed publish: going on would lose the frame (trades and quotes have no backfill).

const EVENT_TYPE: Readonly<Record<PolygonRecord['kind'], string>> = { bar: 'AM', trade: 'T', quote: 'Q' };
const MINUTE_US = 60_000_000;

/** When the provider had the record: a trade or quote at its time, a minute aggregate when its minute ended. */
function providerTimeUs(r: PolygonRecord): number | undefined {
  if (r.kind !== 'bar') return r.value.eventTime;
  return r.value.timeframe === '1m' ? r.value.eventTime + MINUTE_US : undefined;
}

export class PolygonStreamConnector implements StreamingConnector {
  readonly provider: string;
  /** Settles when the connector ends: resolves after stop(), rejects with the fatal error. */
  readonly finished: Promise<void>;
  private readonly counts: PolygonStreamStats = { connections: 0, frames: 0, records: 0, rejected: 0, maxQueuedBytes: 0 };
  private readonly o: ResolvedPolygonOptions;
  private readonly redact: (text: string) => string;
  private readonly logger: StreamLogger;
  private readonly source: string;
  private readonly watchdog: DataWatchdog;
  private readonly expectData: (nowUs: number) => boolean;
  private readonly state: PolygonStreamStatus;
  private readonly sleeper = new InterruptibleSleep();
  private sink?: RecordSink;
  private session?: PolygonSession;
  private backfill?: GapBackfill;
  private loop: Promise<void> = Promise.resolve();
  private stopped = false;
  private attempt = 0;
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

  get stats(): PolygonStreamStats {
    return { ...this.counts, maxQueuedBytes: Math.max(this.counts.maxQueuedBytes, this.session?.maxQueuedBytes ?? 0) };
  }

  /** Resolves once the first session is subscribed; rejects on a fatal error. Reconnects run on their own. */
  start(sink: RecordSink): Promise<void> {
    if (this.sink) throw new Error('Polygon stream already started');
    this.sink = sink;
    this.backfill = this.gapBackfill(sink);
    const ready = new Promise<void>((resolve, reject) => (this.ready = { resolve, reject }));
    this.loop = this.run();
    return ready;
  }

  /** Ends the connection with a clean close (frames already read are still delivered) and any backfill after its current page. */
  async stop(): Promise<void> {
    if (this.stopped) return this.finished.catch(() => undefined); // already ended, perhaps by a fatal error
    this.stopped = true;
    this.ready?.reject(new Error('Polygon stream stopped before it subscribed'));
    this.session?.stop();
    this.sleeper.interrupt();
    await this.loop;
    await this.session?.closed;
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

  private async run(): Promise<void> {
    while (!this.stopped) {
      const session = this.open();
      const { end: { reason, detail }, fatal } = await session.run();
      this.counts.maxQueuedBytes = Math.max(this.counts.maxQueuedBytes, session.maxQueuedBytes);
      if (this.stopped || reason === 'stopped') return;
      if (fatal || reason === 'fatal') return this.fail(fatal ?? new PolygonStreamError(`${this.source}: ${detail}`));
      if (reason === 'publish_failed') return this.fail(new PolygonStreamError(`${this.source}: the sink failed, stopping: ${detail}`));
      await this.sleeper.sleep(this.reconnectDelay(reason, detail));
    }
  }

  private open(): PolygonSession {
    this.counts.connections++;
    this.state.sessions++;
    this.state.state = 'connecting';
    this.state.acknowledged = [];
    this.session = new PolygonSession({
      options: this.o, source: this.source, redact: this.redact, logger: this.logger, watchdog: this.watchdog, expectData: this.expectData,
      authenticating: () => (this.state.state = 'authenticating'),
      subscribed: () => this.subscribed(),
      acknowledged: (channel) => this.state.acknowledged.push(channel),
      deliver: (text, frame) => this.deliver(text, frame),
    });
    return this.session;
  }

  private reconnectDelay(reason: PolygonReconnectReason, detail: string): number {
    this.state.reconnects[reason] = (this.state.reconnects[reason] ?? 0) + 1;
    this.state.reason = this.redact(`${reason}: ${detail}`);
    this.state.state = 'waiting';
    this.o.metrics.reconnect(reason);
    const delay = backoffDelay(this.attempt++, this.o.backoff);
    this.logger.warn(`${this.source}: ${this.state.reason}; reconnect ${this.attempt} in ${delay} ms`);
    return delay;
  }

  private subscribed(): void {
    const now = this.o.now();
    this.state.state = 'streaming';
    this.state.streamed++;
    this.watchdog.reset(now);
    if (this.coveredSinceUs === undefined) this.coveredSinceUs = now * 1000;
    else this.scheduleBackfill(now * 1000);
    this.ready?.resolve();
    this.ready = undefined;
  }

  private async deliver(text: string, frame: PolygonFrame): Promise<void> {
    this.counts.frames++;
    if (frame.records.length) await this.publish(frame.records);
    for (const r of frame.rejected) {
      this.o.metrics.message('rejected');
      await this.sink!.reject({ payload: r.index === null ? text : JSON.stringify(r.event), reason: this.redact(r.reason), source: this.source });
      this.counts.rejected++;
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
    this.counts.records += records.length;
    this.state.published += records.length;
    this.attempt = 0; // data flows again: the next outage starts from the shortest delay
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

  private fail(err: PolygonStreamError): void {
    this.stopped = true;
    this.state.state = 'failed';
    this.state.reason = this.redact(err.message);
    this.logger.error(err.message);
    void this.backfill?.stop();
    this.ready?.reject(err);
    this.end.reject(err);
  }
}
