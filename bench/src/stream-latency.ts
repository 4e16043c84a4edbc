import type { Kafka } from 'kafkajs';
import { TOPICS, type TradeRecord } from '@md/contracts';
import type { SchemaCodec } from '@md/kafka';
import { AlpacaStreamSimulator, httpJson, startService, stopService, uniqueId, waitFor } from '@md/testing';

export interface StreamLatency {
  messages: number;
  p50: number;
  p99: number;
  max: number;
}

const KEY = 'BENCHKEY';
const SECRET = 'bench-secret';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Simulator message -> Kafka: the Alpaca simulator sends `rate` trades a second (paced here,
 * 1 ms ticks, send time recorded per trade) to a feed-gateway process; a consumer in this
 * process notes when each trade is readable on md.raw.trades.v1. Latency = readable - sent,
 * so it includes the gateway's parse, Avro encode, the idempotent produce and one fetch.
 */
export async function streamLatency(kafka: Kafka, codec: SchemaCodec, rate: number, seconds: number): Promise<StreamLatency> {
  const symbol = uniqueId('L');
  const count = rate * seconds;
  const trades: TradeRecord[] = Array.from({ length: count }, (_, i) => ({
    symbol, provider: 'alpaca', eventTime: Date.now() * 1000 + i, ingestTime: 0, price: '100.01000000', size: 100,
    exchange: 'V', tradeId: String(i + 1), conditions: ['@'], tape: 'C', correction: 'NONE',
  }));
  const sim = await AlpacaStreamSimulator.start({ key: KEY, secret: SECRET, trades, maxMessagesPerFrame: 1 });
  const gateway = await startService('feed-gateway', { ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_TRADES: symbol, ALPACA_STREAM_URL: sim.url, ALPACA_FEED: 'iex' }, 'bench-feed-gateway');
  const consumer = kafka.consumer({ groupId: `bench-${symbol}`, maxWaitTimeInMs: 5, minBytes: 1 });
  const sentAt = new Float64Array(count + 1);
  const latencies: number[] = [];
  try {
    await waitFor('the gateway to stream', async () => (await httpJson(gateway.port, '/v1/streams').catch(() => ({ body: { streams: [] } }))).body.streams[0]?.state === 'streaming', 60_000, 100);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.rawTrades, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const m of batch.messages) {
          if (m.key?.toString() !== symbol) continue;
          const t = await codec.decode<TradeRecord>(m.value);
          latencies.push(now - sentAt[Number(t.tradeId)]);
        }
      },
    });
    await joined;
    const started = performance.now();
    for (let sent = 0; sent < count;) {
      const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent++) {
        sentAt[sent + 1] = performance.now();
        sim.emitNext(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await waitFor('every trade readable on md.raw.trades.v1', () => latencies.length >= count, 120_000, 100);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await stopService(gateway);
    await sim.close();
  }
  latencies.sort((a, b) => a - b);
  return { messages: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] };
}
