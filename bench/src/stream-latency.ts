import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import { TOPICS, type TradeRecord } from '@md/contracts';
import type { SchemaCodec } from '@md/kafka';
import { LATENCY_WINDOW, type PublishLatency } from '@md/ingest';
import { httpJson, startService, stopService, uniqueId, waitFor, type RunningService } from '@md/testing';
import { AlpacaStreamSimulator } from '@md/simulators';

export interface StreamLatency {
  /** Records whose latency was measured: the gateway's whole window, all sent after the warm-up. */
  messages: number;
  /** Provider time at send to Kafka acknowledgement, ms, warm gateway. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** The same over the warm-up (a gateway that just started: JIT compilation, first requests). */
  coldP99: number;
  coldMax: number;
  /** Messages the simulator sent (warm-up included), and the rate it achieved over the measured part. */
  sent: number;
  sentPerSecond: number;
  /** Records the gateway had acknowledged by Kafka, and of those, found on md.raw.trades.v1 afterwards. */
  acked: number;
  inKafka: number;
  /** How late the simulator sent against its schedule, ms: a late sender is a bursty one. */
  sendLagP99: number;
  sendLagMax: number;
  /** CPU the gateway process used over the measured part, in cores (1 = one core busy); null off Linux. */
  gatewayCores: number | null;
}

interface GatewayStream {
  state: string;
  published: number;
  rejected: number;
  publishLatencyMs: PublishLatency | null;
}

const KEY = 'BENCHKEY';
const SECRET = 'bench-secret';
const TICK_MS = 1;
/** Measured in quiet runs: the first second of a fresh gateway had a p99 of 114-180 ms, later seconds 4-40 ms. */
const WARMUP_SECONDS = 2;
/** The gateway's latency window; checked against its status (a gateway built from another tree may differ). */
const GATEWAY_WINDOW = LATENCY_WINDOW;

/** The provider timestamp, taken when the simulator serializes the message: "sent at" as an exchange stamps it. */
const SENT_NOW = { toJSON: () => new Date(Date.now()).toISOString() };

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function gatewayStream(gateway: RunningService): Promise<GatewayStream | undefined> {
  const res = await httpJson<{ streams: GatewayStream[] }>(gateway.port, '/v1/streams').catch(() => undefined);
  return res?.body.streams?.[0];
}

/** utime + stime of a process, seconds (Linux /proc); null where there is no /proc. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/**
 * Simulator message -> Kafka publish, as the issue asks: the Alpaca simulator sends `rate` trades a
 * second, one a frame, paced in 1 ms ticks, each stamped with its provider time `t` when it is
 * serialized; a feed-gateway process measures provider time -> Kafka acknowledgement per record
 * (the connector's publish-latency window, `GET /v1/streams`), on the same wall clock (one machine,
 * Date.now on both sides: 1 ms resolution, unbiased). First WARMUP_SECONDS of the same stream (its
 * tail reported as cold), then at least a full window of trades, so the window holds only those.
 * Nothing reads the topic while streaming, so the bench adds no fetch wait and little CPU to the
 * figure; afterwards every trade is looked up on md.raw.trades.v1, so a fast gateway that dropped
 * records would not pass for one.
 */
export async function streamLatency(kafka: Kafka, codec: SchemaCodec, rate: number, seconds: number): Promise<StreamLatency> {
  const symbol = uniqueId('L');
  const warmup = rate * WARMUP_SECONDS;
  const admin = kafka.admin();
  await admin.connect();
  const before = await admin.fetchTopicOffsets(TOPICS.rawTrades).finally(() => admin.disconnect());
  const count = Math.max(rate * seconds, GATEWAY_WINDOW);
  const messages = Array.from({ length: warmup + count }, (_, i) => ({
    atUs: i, message: { T: 't', S: symbol, i: i + 1, x: 'V', p: 100.01, s: 100, c: ['@'], z: 'C', t: SENT_NOW },
  }));
  const sim = await AlpacaStreamSimulator.start({ key: KEY, secret: SECRET, messages, maxMessagesPerFrame: 1 });
  const gateway = await startService('feed-gateway', { ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_TRADES: symbol, ALPACA_STREAM_URL: sim.url, ALPACA_FEED: 'iex' }, 'bench-feed-gateway');
  try {
    await waitFor('the gateway to stream', async () => (await gatewayStream(gateway))?.state === 'streaming', 60_000, 100);
    await send(sim, rate, warmup);
    const cold = (await acknowledged(gateway, warmup)).publishLatencyMs!;
    if (cold.window !== GATEWAY_WINDOW) throw new Error(`the gateway keeps ${cold.window} latencies, the bench expects ${GATEWAY_WINDOW}`);
    const [cpu0, t0] = [cpuSeconds(gateway.process.pid), performance.now()];
    const paced = await send(sim, rate, count);
    const stream = await acknowledged(gateway, warmup + count);
    const [cpu1, t1] = [cpuSeconds(gateway.process.pid), performance.now()];
    const warm = stream.publishLatencyMs!;
    const inKafka = await tradesInKafka(kafka, codec, symbol, before, warmup + count);
    return {
      messages: warm.records, p50: warm.p50, p99: warm.p99, p999: warm.p999, max: warm.max, coldP99: cold.p99, coldMax: cold.max,
      sent: warmup + count, sentPerSecond: count / paced.seconds, acked: stream.published, inKafka,
      sendLagP99: paced.lagP99, sendLagMax: paced.lagMax,
      gatewayCores: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / ((t1 - t0) / 1000),
    };
  } finally {
    await stopService(gateway);
    await sim.close();
  }
}

/** Sends the next `count` messages at `rate` a second; how long it took and how late it was against its schedule. */
async function send(sim: AlpacaStreamSimulator, rate: number, count: number): Promise<{ seconds: number; lagP99: number; lagMax: number }> {
  const lag = new Float64Array(count);
  const first = performance.now();
  for (let sent = 0; sent < count;) {
    const due = Math.min(count, Math.floor(((performance.now() - first) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      lag[sent] = performance.now() - first - (sent / rate) * 1000;
      sim.emitNext(1);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const seconds = (performance.now() - first) / 1000;
  lag.sort();
  return { seconds, lagP99: percentile(lag, 0.99), lagMax: lag[count - 1] };
}

async function acknowledged(gateway: RunningService, count: number): Promise<GatewayStream> {
  let stream: GatewayStream | undefined;
  await waitFor(`${count} trades acknowledged by Kafka`, async () => ((stream = await gatewayStream(gateway))?.published ?? 0) >= count, 120_000, 100);
  if (!stream?.publishLatencyMs) throw new Error('the gateway reported no publish latency');
  return stream;
}
/** How many of trades 1..count of `symbol` are on md.raw.trades.v1 after the offsets taken before the run. */
async function tradesInKafka(kafka: Kafka, codec: SchemaCodec, symbol: string, from: Array<{ partition: number; offset: string }>, count: number): Promise<number> {
  const seen = new Set<string>();
  const consumer = kafka.consumer({ groupId: `bench-${symbol}` });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.rawTrades });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (m.key?.toString() === symbol) seen.add((await codec.decode<TradeRecord>(batch.topic, m.value)).tradeId ?? '');
        }
      },
    });
    for (const { partition, offset } of from) consumer.seek({ topic: TOPICS.rawTrades, partition, offset });
    await waitFor(`${count} trades on ${TOPICS.rawTrades}`, () => seen.size >= count, 60_000, 100).catch(() => undefined);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return seen.size;
}
