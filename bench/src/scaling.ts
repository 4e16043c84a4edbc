import type { Kafka } from 'kafkajs';
import { type CleanBar, TOPICS } from '@md/contracts';
import { createIdempotentProducer, endOffsets, type SchemaCodec } from '@md/kafka';
import { committedOffset, startGroupAtEnd, startService, stopService, waitFor, waitReady, type RunningService } from '@md/testing';

export interface ScalingPoint {
  instances: number;
  barsPerSecond: number;
}

/**
 * Issue #7 item 4: the busiest stage (the preprocessor: validation, session tags, revision
 * de-duplication and a Kafka transaction per chunk) run as 1, 2 and 4 instances of one consumer
 * group on md.raw.bars.v1 (6 partitions; the bars span several symbols, so every partition has
 * work). For each count: a fresh group at the topic's end, the instances started and ready (the
 * group balanced), then the clock starts and the same pre-encoded input is sent; it stops when
 * the group's commits reach the input's end on every partition. Boot and rebalance are outside
 * the clock, the send (the same for every count) inside it.
 */
export async function scalingRates(kafka: Kafka, codec: SchemaCodec, bars: readonly CleanBar[], counts: readonly number[]): Promise<ScalingPoint[]> {
  const messages = [];
  for (const b of bars) messages.push({ key: b.symbol, value: await codec.encode(TOPICS.rawBars, b) });
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const points: ScalingPoint[] = [];
  try {
    for (const n of counts) {
      const group = `bench-scale-${Date.now().toString(36)}-x${n}`;
      await startGroupAtEnd(kafka, group, [TOPICS.rawBars, TOPICS.corporateActions]);
      const instances: RunningService[] = [];
      for (let k = 0; k < n; k++) {
        instances.push(await startService('preprocessor', { GROUP_ID: group, TRANSACTIONAL_ID: `${group}-${k}`, SESSION_TIMEOUT_MS: '6000' }, `${group}-${k}`));
      }
      await Promise.all(instances.map((s) => waitReady(s)));
      const started = process.hrtime.bigint();
      for (let i = 0; i < messages.length; i += 5000) await producer.send({ topic: TOPICS.rawBars, messages: messages.slice(i, i + 5000) });
      const end = await endOffsets(kafka, TOPICS.rawBars);
      await waitFor(`${n} preprocessor instance(s) to reach the input's end`, async () => {
        for (const [partition, offset] of end) if ((await committedOffset(kafka, group, TOPICS.rawBars, partition)) < BigInt(offset)) return false;
        return true;
      }, 60 * 60_000, 250);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await Promise.all(instances.map((s) => stopService(s)));
      points.push({ instances: n, barsPerSecond: bars.length / seconds });
    }
  } finally {
    await producer.disconnect();
  }
  return points;
}
