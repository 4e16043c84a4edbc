import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { DecimalType } from '@md-platform/client';
import { Kafka, logLevel } from 'kafkajs';
import { BARS_TOPIC } from '../src/bar-readers';
import type { TailConfig } from '../src/tail-config';

/** A bar as md.bars.v1 carries it: times in micros, prices as decimal strings with 8 places. */
export interface WireBar {
  symbol: string;
  timeframe: string;
  provider: string;
  eventTime: number;
  ingestTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: number;
  tradeCount: number | null;
  vwap: string | null;
  revision: number;
  session: 'PRE' | 'REGULAR' | 'POST' | 'CLOSED' | 'UNKNOWN';
  splitFactor: number;
  dividendFactor: number;
  generation: number;
}

/** A one-minute bar of the symbol starting at `start`, every price `price`. */
export function liveBar(config: TailConfig, start: Date, price: string, revision = 0): WireBar {
  return {
    symbol: config.symbol, timeframe: config.timeframe, provider: 'example', eventTime: start.getTime() * 1000, ingestTime: Date.now() * 1000,
    open: price, high: price, low: price, close: price, volume: 100, tradeCount: null, vwap: null,
    revision, session: 'UNKNOWN', splitFactor: 1, dividendFactor: 1, generation: 0,
  };
}

/**
 * Plays the platform's part in the test: publishes bars on md.bars.v1 in the Confluent wire
 * format under the subject's latest schema, keyed by symbol, with Kafka timestamp `at` (ms).
 * The client's DecimalType writes the decimal fields (Avro 1.11 spec, "Decimal").
 */
export async function publishBars(config: TailConfig, bars: WireBar[], at: number): Promise<void> {
  const registry = new SchemaRegistry({ host: config.registryUrl }, { [SchemaType.AVRO]: { logicalTypes: { decimal: DecimalType } } });
  const schemaId = await registry.getLatestSchemaId(`${BARS_TOPIC}-value`);
  const messages = [];
  for (const bar of bars) messages.push({ key: bar.symbol, value: await registry.encode(schemaId, bar), timestamp: String(at) });
  const producer = new Kafka({ clientId: 'example-node-tail-test', brokers: config.brokers, logLevel: logLevel.ERROR }).producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send({ topic: BARS_TOPIC, messages });
  } finally {
    await producer.disconnect();
  }
}
