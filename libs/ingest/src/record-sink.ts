import type { CorporateActionRecord, ExecutionRecord, OptionQuoteRecord, OrderEventRecord, PositionRecord, QuoteRecord, RawBar, RiskEventRecord, TradeRecord } from '@md/contracts';

// What every connector hands its records to. A connector speaks its provider's protocol and
// delivers to a Sink; the service owns Kafka (topics, Avro, batching, back-pressure), so no
// connector imports kafkajs. The feed-gateway's connectors deliver canonical records (RecordSink),
// the alt-data-aggregator's providers deliver their events (Sink<AltEvent>); both reject alike.

/** A canonical record and the topic family it belongs to. */
export type CanonicalRecord =
  | { kind: 'bar'; value: RawBar }
  | { kind: 'trade'; value: TradeRecord }
  | { kind: 'quote'; value: QuoteRecord }
  | { kind: 'corporate_action'; value: CorporateActionRecord }
  | { kind: 'option_quote'; value: OptionQuoteRecord }
  | { kind: 'order'; value: OrderEventRecord }
  | { kind: 'execution'; value: ExecutionRecord }
  | { kind: 'position'; value: PositionRecord }
  | { kind: 'risk_event'; value: RiskEventRecord };

/** Something a connector received and could not map: dead-lettered with the reason, never dropped. */
export interface Rejected {
  /** The frame or row as received (bytes or text). */
  payload: Buffer | string;
  /** What is wrong and, where known, how to fix it. */
  reason: string;
  /** Where it came from: `alpaca-stream wss://…/v2/iex`, `file.csv:12`, a URL, … */
  source: string;
}

/**
 * Where connectors deliver. `publish` resolves once the items are durably in Kafka; a connector
 * must await it before reading more (back-pressure instead of an unbounded buffer).
 */
export interface Sink<T> {
  publish(items: readonly T[]): Promise<void>;
  reject(rejected: Rejected): Promise<void>;
}

export type RecordSink = Sink<CanonicalRecord>;

/** A sink that keeps everything in memory: for tests and simulator demos. */
export class MemorySink<T = CanonicalRecord> implements Sink<T> {
  readonly records: T[] = [];
  readonly rejected: Rejected[] = [];

  async publish(items: readonly T[]): Promise<void> {
    this.records.push(...items);
  }

  async reject(rejected: Rejected): Promise<void> {
    this.rejected.push(rejected);
  }

  /** The bars among canonical records, in delivery order. */
  bars(): RawBar[] {
    const records = this.records as unknown[] as Array<{ kind?: string; value: unknown }>;
    return records.filter((r) => r.kind === 'bar').map((r) => r.value as RawBar);
  }
}
