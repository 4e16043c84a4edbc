import type { AltDocument, AltSeriesObservation, VixObservation } from '@md/altdata';

// One interface for every alternative-data source (CBOE VIX file or HTTP, Alpaca news stream,
// social file replay, series files and HTTP polling). A provider speaks its source's format and
// hands events to its sink; the publisher owns scoring, state and Kafka, so no provider imports
// kafkajs.

export type AltEvent =
  | { kind: 'vix'; value: VixObservation }
  | { kind: 'document'; value: AltDocument }
  | { kind: 'series'; value: AltSeriesObservation };

/** Input a provider could not map: dead-lettered with the reason and where it came from, never dropped. */
export interface Rejected {
  payload: Buffer | string;
  reason: string;
  /** file:line, URL, stream URL. */
  source: string;
}

/**
 * Where a provider delivers, bound to its name. `publish` resolves once the resulting records are
 * in Kafka; a provider awaits it before reading more (back-pressure instead of a growing buffer).
 */
export interface ProviderSink {
  publish(events: readonly AltEvent[]): Promise<void>;
  reject(rejected: Rejected): Promise<void>;
}

export type ProviderState = 'starting' | 'running' | 'waiting' | 'done' | 'stopped' | 'failed';

export interface ProviderStatus {
  state: ProviderState;
  /** Why it is waiting or failed. */
  reason: string | null;
}

export interface AltDataProvider {
  /** Label in metrics, logs and dead letters: cboe-vix-file, alpaca-news, social-file, ... */
  readonly name: string;
  /** Resolves when there is nothing more to read (a file) or once stopped; rejects if it fails for good. */
  run(sink: ProviderSink): Promise<void>;
  stop(): Promise<void>;
  status(): ProviderStatus;
}

/** A sink that keeps everything in memory: for provider tests. */
export class MemoryProviderSink implements ProviderSink {
  readonly events: AltEvent[] = [];
  readonly rejected: Rejected[] = [];

  async publish(events: readonly AltEvent[]): Promise<void> {
    this.events.push(...events);
  }

  async reject(rejected: Rejected): Promise<void> {
    this.rejected.push(rejected);
  }
}
