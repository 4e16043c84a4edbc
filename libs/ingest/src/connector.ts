import type { RawBar } from '@md/contracts';
import type { RecordSink } from './record-sink';

/** A connector that runs until stopped (WebSocket stream, REST poller) or until its input ends (a file). */
export interface StreamingConnector {
  readonly provider: string;
  start(sink: RecordSink): Promise<void>;
  stop(): Promise<void>;
  /** For /v1/streams and /ready: 'failed' (with its reason) means it stopped for good. */
  status?(): { state: string; reason?: string | null };
}

/** A historical connector (REST): pages of bars for [fromUs, toUs), oldest first. */
export interface HistoricalBars {
  readonly provider: string;
  bars(symbols: readonly string[], timeframe: RawBar['timeframe'], fromUs: number, toUs: number): AsyncIterable<RawBar[]>;
}

/** Where a connector logs; every line passes its redactor first (secret-redactor.ts). */
export interface StreamLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
