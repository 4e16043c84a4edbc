import { Logger } from '@nestjs/common';
import type { QuoteRecord } from '@md/contracts';
import type { RecordSink, StreamingConnector } from '@md/ingest';
import type { EtradeClient } from './etrade.client';
import { PollLoop } from './poll-loop';

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
  private readonly state: Omit<EtradePollerStatus, keyof EtradeClient['stats']>;
  private readonly loop: PollLoop;

  constructor(private readonly client: EtradeClient, private readonly o: EtradeQuotePollerOptions) {
    if (o.symbols.length === 0) throw new RangeError('the quote poller needs at least one symbol');
    this.provider = client.provider;
    this.state = { state: 'idle', reason: null, symbols: [...o.symbols], rounds: 0, failedRounds: 0, published: 0, rejected: 0, lastRoundAt: null };
    this.loop = new PollLoop({
      what: 'quote round', intervalMs: o.intervalMs ?? 5000, logger: this.logger,
      onSkipped: (err) => Object.assign(this.state, { failedRounds: this.state.failedRounds + 1, reason: err.message }),
      onFailed: (err) => Object.assign(this.state, { state: 'failed', reason: err.message }),
    });
    this.finished = this.loop.finished;
  }

  /** Resolves after the first round is published; rejects if it fails for good. */
  async start(sink: RecordSink): Promise<void> {
    await this.loop.start(() => this.round(sink));
    this.state.state = 'polling';
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    if (this.state.state !== 'failed') this.state.state = 'stopped';
  }

  status(): EtradePollerStatus {
    return { ...structuredClone(this.state), ...this.client.stats };
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
