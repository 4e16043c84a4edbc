import type { Kafka, Message, Producer } from 'kafkajs';
import { TOPICS, type FeatureVectorRecord, type ReprocessedRecord } from '@md/contracts';
import type { FeatureConfig } from '@md/features';
import { MemoryKeyedState, createTransactionalProducer, type SchemaCodec } from '@md/kafka';
import { nowMicros } from '@md/market';
import { storedCleanBars, type Db } from '@md/storage';
import type { FeatureEngineConfig } from '../config';
import { FeaturePipeline } from '../feature-pipeline';

/** Vectors per Kafka transaction: one symbol's records share a partition, ~300 bytes each, far under message.max.bytes. */
const BATCH = 500;
const DAY_US = 86_400_000_000;

export interface ReprocessRequest {
  symbols: string[];
  /** Window of the outputs (their event time), UTC micros, [from, to). */
  from: number;
  to: number;
  /** Days before `from` whose stored bars rebuild the state (warm-up); their outputs are not published. */
  warmupDays: number;
  generation: number;
  cause: string;
}

export interface ReprocessDeps {
  db: Db;
  schema: string;
  kafka: Kafka;
  codec: SchemaCodec;
  config: FeatureEngineConfig;
  features: FeatureConfig;
  log: (line: string) => void;
}

/** FNV-1a of the request's identity: the transactional id of its producer. */
function jobId(r: ReprocessRequest): string {
  const text = `${r.symbols.join(',')}|${r.from}|${r.to}|${r.generation}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * Recomputes the feature-engine's outputs for a window from the bars the writer stored (so a
 * reprocess reaches beyond Kafka's retention): per symbol, the engine's own pipeline with a fresh
 * state runs over [from - warm-up, to), and every vector of [from, to) is published to
 * md.features.v1 with the request's generation, in Kafka transactions (a read_committed consumer
 * sees whole batches, never half of one), followed by one md.reprocessed.v1 marker. Sinks keep
 * the higher generation per vector, and the marker lets them delete what the older generation
 * left in the window (a feature dropped from the set). Running it twice publishes the same
 * records again: the stores end the same. The live stage keeps running; a vector it emits for the
 * window under an older generation is refused by the sinks.
 *
 * The producer's transactional id follows the request, so a restarted job fences a zombie of the
 * same request (KIP-98).
 */
export async function reprocessFeatures(deps: ReprocessDeps, request: ReprocessRequest): Promise<ReprocessedRecord[]> {
  const producer = createTransactionalProducer(deps.kafka, `md-feature-engine-reprocess-${jobId(request)}`);
  await producer.connect();
  try {
    const markers: ReprocessedRecord[] = [];
    for (const symbol of request.symbols) markers.push(await reprocessSymbol(deps, producer, request, symbol));
    return markers;
  } finally {
    await producer.disconnect();
  }
}

async function reprocessSymbol(deps: ReprocessDeps, producer: Producer, r: ReprocessRequest, symbol: string): Promise<ReprocessedRecord> {
  const warmupFrom = r.from - r.warmupDays * DAY_US;
  const state = new MemoryKeyedState();
  const pipeline = new FeaturePipeline({ ...deps.config, GENERATION: r.generation }, deps.features, { count: () => undefined, warn: deps.log });
  let batch: FeatureVectorRecord[] = [];
  let outputs = 0;
  const flush = async () => {
    if (!batch.length) return;
    await send(producer, TOPICS.features, await Promise.all(batch.map(async (v) => ({ key: v.symbol, value: await deps.codec.encode(TOPICS.features, v) }))));
    outputs += batch.length;
    batch = [];
  };
  for await (const bars of storedCleanBars(deps.db, deps.schema, symbol, '1m', warmupFrom, r.to)) {
    for (const bar of bars) {
      for (const vector of pipeline.bar(bar, state)) if (vector.eventTime >= r.from && vector.eventTime < r.to) batch.push(vector);
      if (batch.length >= BATCH) await flush();
    }
  }
  await flush();
  const marker: ReprocessedRecord = {
    stage: 'feature-engine', symbol, timeframes: [...deps.config.FEATURE_TIMEFRAMES], from: r.from, to: r.to, generation: r.generation,
    outputs, warmupFrom, completedAt: nowMicros(), cause: r.cause,
  };
  await send(producer, TOPICS.reprocessed, [{ key: symbol, value: await deps.codec.encode(TOPICS.reprocessed, marker) }]);
  deps.log(`${symbol}: ${outputs} feature vectors of generation ${r.generation} published for ${iso(r.from)} .. ${iso(r.to)} (warm-up from ${iso(warmupFrom)})`);
  return marker;
}

async function send(producer: Producer, topic: string, messages: Message[]): Promise<void> {
  const txn = await producer.transaction();
  try {
    await txn.send({ topic, messages });
    await txn.commit();
  } catch (err) {
    await txn.abort().catch(() => undefined);
    throw err;
  }
}

const iso = (us: number) => new Date(us / 1000).toISOString();
