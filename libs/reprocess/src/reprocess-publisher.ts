import type { Kafka, Message, Producer } from 'kafkajs';
import { REPROCESS_HEADER, TOPICS, reprocessHeaderValue, type ReprocessedRecord, type TopicName } from '@md/contracts';
import { createTransactionalProducer, type SchemaCodec } from '@md/kafka';
import { nowMicros } from '@md/market';
import type { ReprocessRequest } from './reprocess-request';

/** Records per Kafka transaction: one symbol's records share a partition, a few hundred bytes each, far under message.max.bytes. */
export const REPROCESS_BATCH = 500;

/** FNV-1a of the request's identity: the transactional id of its producer. */
export function reprocessJobId(stage: string, r: ReprocessRequest): string {
  const text = `${stage}|${r.symbols.join(',')}|${r.from}|${r.to}|${r.generation}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * What a reprocess job publishes, in Kafka transactions (a read_committed consumer sees whole
 * batches, never half of one): one symbol's recomputed records on the stage's output topic, keyed
 * by symbol and headed REPROCESS_HEADER (a restatement, not new data), then its md.reprocessed.v1 marker, after which the sinks delete what an older
 * generation left in the window. The transactional id follows the request, so a restarted job
 * fences a zombie of the same request (KIP-98).
 */
export class ReprocessPublisher {
  private readonly producer: Producer;

  constructor(kafka: Kafka, private readonly codec: SchemaCodec, readonly stage: string, private readonly request: ReprocessRequest) {
    this.producer = createTransactionalProducer(kafka, `md-${stage}-reprocess-${reprocessJobId(stage, request)}`);
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** A symbol's output: `publish` whenever it holds REPROCESS_BATCH records, then `end`. */
  batcher<T extends { symbol: string }>(topic: TopicName): { push(record: T): Promise<void>; end(): Promise<number> } {
    let batch: T[] = [];
    let count = 0;
    const flush = async () => {
      if (!batch.length) return;
      const headers = { [REPROCESS_HEADER]: reprocessHeaderValue(this.stage, this.request.generation) };
      const messages = await Promise.all(batch.map(async (r) => ({ key: r.symbol, value: await this.codec.encode(topic, r), headers })));
      await this.send(topic, messages);
      count += batch.length;
      batch = [];
    };
    return {
      push: async (record) => {
        batch.push(record);
        if (batch.length >= REPROCESS_BATCH) await flush();
      },
      end: async () => {
        await flush();
        return count;
      },
    };
  }

  /** The marker of one symbol's finished window. */
  async marker(symbol: string, timeframes: readonly string[], outputs: number, warmupFrom: number): Promise<ReprocessedRecord> {
    const r = this.request;
    const marker: ReprocessedRecord = {
      stage: this.stage, symbol, timeframes: [...timeframes], from: r.from, to: r.to, generation: r.generation, outputs, warmupFrom, completedAt: nowMicros(), cause: r.cause,
    };
    await this.send(TOPICS.reprocessed, [{ key: symbol, value: await this.codec.encode(TOPICS.reprocessed, marker) }]);
    return marker;
  }

  private async send(topic: string, messages: Message[]): Promise<void> {
    const txn = await this.producer.transaction();
    try {
      await txn.send({ topic, messages });
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => undefined);
      throw err;
    }
  }
}
