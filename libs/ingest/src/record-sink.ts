import type { CorporateActionRecord, OptionQuoteRecord, QuoteRecord, RawBar, TradeRecord } from '@md/contracts';

// One interface for every connector (Alpaca, Polygon, E*TRADE, files, ...). A connector speaks
// its provider's protocol and hands canonical records to a RecordSink; the gateway owns Kafka
// (topics, Avro, batching, back-pressure), so no connector imports kafkajs.

/** A canonical record and the topic family it belongs to. */
export type CanonicalRecord =
  | { kind: 'bar'; value: RawBar }
  | { kind: 'trade'; value: TradeRecord }
  | { kind: 'quote'; value: QuoteRecord }
  | { kind: 'corporate_action'; value: CorporateActionRecord }
  | { kind: 'option_quote'; value: OptionQuoteRecord };

/** Something the connector received and could not map: dead-lettered with the reason, never dropped. */
export interface Rejected {
  /** The frame or row as received (bytes or text). */
  payload: Buffer | string;
  /** What is wrong and, where known, how to fix it. */
  reason: string;
  /** Where it came from: `alpaca-stream wss://…/v2/iex`, `file.csv:12`, … */
  source: string;
}

/**
 * Where connectors deliver. `publish` resolves once the records are durably in Kafka; a
 * connector must await it before reading more (back-pressure instead of an unbounded buffer).
 */
export interface RecordSink {
  publish(records: readonly CanonicalRecord[]): Promise<void>;
  reject(rejected: Rejected): Promise<void>;
}

/** A real-time connector (WebSocket). */
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

/** A sink that keeps everything in memory: for tests and simulator demos. */
export class MemorySink implements RecordSink {
  readonly records: CanonicalRecord[] = [];
  readonly rejected: Rejected[] = [];

  async publish(records: readonly CanonicalRecord[]): Promise<void> {
    this.records.push(...records);
  }

  async reject(rejected: Rejected): Promise<void> {
    this.rejected.push(rejected);
  }

  bars(): RawBar[] {
    return this.records.filter((r) => r.kind === 'bar').map((r) => r.value as RawBar);
  }
}
