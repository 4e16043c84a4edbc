import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { MdError, type QuoteRecord } from '@md/contracts';
import type { RecordSink, StreamingConnector } from '@md/ingest';
import type { EtradeClient } from './etrade.client';

// E*TRADE has no streaming quotes in its API: the gateway polls Get Quote (etrade.client.ts) on a
// fixed interval and publishes what changed, as a StreamingConnector beside the WebSocket streams.

export interface EtradeQuotePollerOptions {
  symbols: readonly string[];
  /** Least time from one round's start to the next. Default 5 s; the client's rate spaces the requests. */
  intervalMs?: number;
}

/** What GET /v1/streams shows for the poller. */
export interface EtradePollerStatus {
  state: 'idle' | 'polling' | 'stopped' | 'failed';
  /** Why polling stopped for good, or why the last round failed; null after a good round. */
  reason: string | null;
  symbols: string[];
  rounds: number;
  failedRounds: number;
  /** Quotes published (changed ones only) and items dead-lettered. */
  published: number;
  rejected: number;
  lastRoundAt: string | null;
  /** The client's requests, retries, throttled answers (429 or the rate-limit 400) and token renewals. */
  requests: number;
  retries: number;
  throttled: number;
  renewals: number;
}

/**
 * Polls Get Quote for the symbols and publishes the quotes that changed since the last round,
 * awaiting the sink (back-pressure). A retriable failure skips to the next round; anything else
 * (an expired token, a refused signature) stops it: status 'failed' with the reason, /ready 503.
 */
export class EtradeQuotePoller implements StreamingConnector {
  readonly provider: string;
  readonly finished: Promise<void>;
  private readonly logger = new Logger(EtradeQuotePoller.name);
  /** Last published quote per symbol, to publish changes only; bounded by the symbol list. */
  private readonly last = new Map<string, string>();
  /** Last round's dead letters: an invalid symbol is dead-lettered once, not every round; bounded by the symbol list. */
  private lastRejected = new Set<string>();
  private readonly abort = new AbortController();
  private readonly state: Omit<EtradePollerStatus, keyof EtradeClient['stats']>;
  private end!: { resolve(): void; reject(err: Error): void };
  private running?: Promise<void>;

  constructor(private readonly client: EtradeClient, private readonly o: EtradeQuotePollerOptions) {
    if (o.symbols.length === 0) throw new RangeError('the quote poller needs at least one symbol');
    this.provider = client.provider;
    this.state = { state: 'idle', reason: null, symbols: [...o.symbols], rounds: 0, failedRounds: 0, published: 0, rejected: 0, lastRoundAt: null };
    this.finished = new Promise<void>((resolve, reject) => (this.end = { resolve, reject }));
    this.finished.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  }

  /** Resolves after the first round is published; rejects if it fails for good. */
  async start(sink: RecordSink): Promise<void> {
    if (this.running) throw new Error('E*TRADE quote poller already started');
    const started = Date.now();
    await this.round(sink).catch((err: Error) => {
      this.fail(err);
      throw err;
    });
    this.state.state = 'polling';
    this.running = this.loop(sink, started);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    if (this.state.state !== 'failed') this.state.state = 'stopped';
    this.end.resolve();
  }

  status(): EtradePollerStatus {
    return { ...structuredClone(this.state), ...this.client.stats };
  }

  /** A round in flight finishes before stop() returns (its own timeout and retries bound it). */
  private async loop(sink: RecordSink, firstStarted: number): Promise<void> {
    for (let started = firstStarted; !this.abort.signal.aborted; ) {
      try {
        await sleep(Math.max(0, started + (this.o.intervalMs ?? 5000) - Date.now()), undefined, { signal: this.abort.signal });
        started = Date.now();
        await this.round(sink);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof MdError && err.retriable) {
          this.state.failedRounds++;
          this.state.reason = (err as Error).message;
          this.logger.warn(`quote round failed, next round as usual: ${err.message}`);
          continue;
        }
        this.logger.error(`quote polling stopped: ${(err as Error).message}`);
        this.fail(err as Error);
        return;
      }
    }
  }

  private fail(err: Error): void {
    Object.assign(this.state, { state: 'failed', reason: err.message });
    this.end.reject(err);
  }

  private async round(sink: RecordSink): Promise<void> {
    const { records, rejected } = await this.client.quotes(this.o.symbols);
    const changed = records.filter((q) => this.changed(q));
    if (changed.length) await sink.publish(changed.map((value) => ({ kind: 'quote' as const, value })));
    const seen = new Set<string>();
    for (const r of rejected) {
      const key = `${r.reason}|${r.payload}`;
      seen.add(key);
      if (this.lastRejected.has(key)) continue;
      await sink.reject(r);
      this.state.rejected++;
    }
    this.lastRejected = seen;
    Object.assign(this.state, { rounds: this.state.rounds + 1, published: this.state.published + changed.length, reason: null, lastRoundAt: new Date().toISOString() });
  }

  private changed(q: QuoteRecord): boolean {
    const key = [q.eventTime, q.bidPrice, q.bidSize, q.askPrice, q.askSize].join('|');
    if (this.last.get(q.symbol) === key) return false;
    this.last.set(q.symbol, key);
    return true;
  }
}
