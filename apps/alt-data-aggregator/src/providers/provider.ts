import type { AltDocument, AltSeriesObservation, VixObservation } from '@md/altdata';
import type { Sink } from '@md/ingest';

// One interface for every alternative-data source (CBOE VIX file or HTTP, Alpaca news stream,
// social file replay, series files and HTTP polling). A provider speaks its source's format and
// hands events to its sink (the ingest kit's Sink, as the gateway's connectors do); the publisher
// owns scoring, state and Kafka, so no provider imports kafkajs.

export type AltEvent =
  | { kind: 'vix'; value: VixObservation }
  | { kind: 'document'; value: AltDocument }
  | { kind: 'series'; value: AltSeriesObservation };

/**
 * Where a provider delivers, bound to its name. `publish` resolves once the resulting records are
 * in Kafka; a provider awaits it before reading more (back-pressure instead of a growing buffer).
 * Rejected input (file:line, URL, stream URL as its source) is dead-lettered, never dropped.
 */
export type ProviderSink = Sink<AltEvent>;

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
