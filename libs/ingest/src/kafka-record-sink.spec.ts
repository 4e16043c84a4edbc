import type { Producer, ProducerBatch, ProducerRecord } from 'kafkajs';
import { TOPICS, type DeadLetterRecord, type RawBar, type TradeRecord } from '@md/contracts';
import type { SchemaCodec } from '@md/kafka';
import { StageMetrics } from '@md/observability';
import { KafkaRecordSink } from './kafka-record-sink';

/** A codec that "encodes" to JSON and refuses a bar whose close is not a decimal. */
const codec = {
  encode: async (topic: string, value: { close?: string }) => {
    if (topic === TOPICS.rawBars && !/^\d+\.\d+$/.test(value.close ?? '')) throw new Error('close: not a decimal');
    return Buffer.from(JSON.stringify(value));
  },
} as unknown as SchemaCodec;

function recordingProducer() {
  const batches: ProducerBatch[] = [];
  const sends: ProducerRecord[] = [];
  const producer = { sendBatch: async (b: ProducerBatch) => void batches.push(b), send: async (r: ProducerRecord) => void sends.push(r) } as unknown as Producer;
  return { producer, batches, sends };
}

const bar = (symbol: string, close: string) => ({ kind: 'bar' as const, value: { symbol, close } as RawBar });
const trade = { kind: 'trade' as const, value: { symbol: 'AAPL', price: '1.00000000' } as TradeRecord };
const letter = (value: Buffer | string | null | undefined) => JSON.parse(String(value)) as DeadLetterRecord & { payload: { data: number[] } };

describe('KafkaRecordSink', () => {
  it('sends each record to its topic keyed by symbol in one request, and counts what went out', async () => {
    const { producer, batches } = recordingProducer();
    const metrics = new StageMetrics('feed-gateway');
    await new KafkaRecordSink(producer, codec, metrics, 'test stream').publish([bar('DBB', '17.90000000'), trade, bar('SPY', '500.00000000')]);
    expect(batches).toHaveLength(1);
    expect(batches[0].topicMessages!.map((t) => [t.topic, t.messages.map((m) => m.key)])).toEqual([[TOPICS.rawBars, ['DBB', 'SPY']], [TOPICS.rawTrades, ['AAPL']]]);
    expect(await metrics.registry.metrics()).toContain(`md_records_out_total{stage="feed-gateway",topic="${TOPICS.rawBars}",service="feed-gateway"} 2`);
  });

  it('dead-letters a record it cannot encode in the same request, under its stage and source', async () => {
    const { producer, batches } = recordingProducer();
    await new KafkaRecordSink(producer, codec, new StageMetrics('backfill'), 'alpaca-rest backfill').publish([bar('DBB', 'abc')]);
    const [dlq] = batches[0].topicMessages!;
    expect(dlq.topic).toBe(TOPICS.deadLetter);
    expect(letter(dlq.messages[0].value)).toMatchObject({ stage: 'feed-gateway', reason: 'close: not a decimal', sourceLocation: 'alpaca-rest backfill' });
  });

  it('dead-letters a rejected input with its reason, source and bytes as received', async () => {
    const { producer, sends } = recordingProducer();
    await new KafkaRecordSink(producer, codec, new StageMetrics('x'), 'unused', 'alt-data-aggregator').reject({ payload: 'a,b,c', reason: 'high: not a decimal', source: 'bars.csv:5' });
    expect(sends.map((s) => s.topic)).toEqual([TOPICS.deadLetter]);
    expect(letter(sends[0].messages[0].value)).toMatchObject({
      stage: 'alt-data-aggregator', reason: 'high: not a decimal', errorType: 'InvalidRecordError', sourceLocation: 'bars.csv:5', payload: { data: [...Buffer.from('a,b,c')] },
    });
  });
});
