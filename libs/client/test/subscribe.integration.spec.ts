import { subscribe, type Bar, type MdRecord, type StartFrom, type Subscription } from '../src';
import { LOCAL_STACK } from '@md/config';
import { TOPICS } from '@md/contracts';
import { createKafka, SchemaCodec } from '@md/kafka';
import { uniqueId } from '@md/testing';

// Integration: the client against the stack's Kafka and Apicurio. Bars encoded by the platform's
// own codec into a topic of the test's, with Kafka timestamps one second apart.
describe('subscribe (integration)', () => {
  const topic = `test.client.${uniqueId('sub').toLowerCase()}`;
  const kafka = createKafka(`test-${topic}`, [LOCAL_STACK.kafkaBrokers]);
  const t0 = Date.parse('2026-01-05T14:30:00Z');
  const closes = ['187.43000000', '12345678901.12345678', '0.00000001', '-1.50000000'];
  const bar = (i: number) => ({
    symbol: 'CLNT', timeframe: '1m', provider: 'test', eventTime: (t0 + i * 60_000) * 1000 + 7, ingestTime: (t0 + i * 60_000) * 1000,
    open: '1.00000000', high: '1.00000000', low: '1.00000000', close: closes[i % closes.length], volume: 100 + i, tradeCount: null,
    vwap: i % 2 ? null : '1.25000000', revision: 0, session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
  });

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const messages = [];
    for (let i = 0; i < 20; i++) messages.push({ key: 'CLNT', value: await codec.encode(TOPICS.bars, bar(i)), timestamp: String(t0 + i * 1000) });
    // After the bars, one record that is not registry-framed Avro.
    await producer.send({ topic, messages: [...messages, { key: 'CLNT', value: Buffer.from('{"not":"avro"}'), timestamp: String(t0 + 20_000) }] });
    await producer.disconnect();
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  /** Reads `n` records, then stops the loop the way a caller's `break` does. */
  const take = async (sub: Subscription<Bar>, n: number): Promise<MdRecord<Bar>[]> => {
    const out: MdRecord<Bar>[] = [];
    if (n === 0) return out;
    for await (const record of sub) {
      out.push(record);
      if (out.length === n) break;
    }
    return out;
  };
  // The test topic carries md.bars.v1 records under a name the client does not know: typed by hand.
  const bars = (groupId: string, from: StartFrom) =>
    subscribe({ brokers: [LOCAL_STACK.kafkaBrokers], registryUrl: LOCAL_STACK.registryUrl, topics: [topic], groupId, from }) as unknown as Subscription<Bar>;

  it('from a Date starts at the first record at or after it, decoded: exact decimals, Date plus micros', async () => {
    const records = await take(bars(uniqueId('g'), new Date(t0 + 10_000)), 10);
    expect(records.map((r) => Number(r.offset))).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(records[0].timestamp).toEqual(new Date(t0 + 10_000));
    const first = records[0].value;
    expect(first.close).toBe(closes[10 % closes.length]);
    expect(records[1].value.close).toBe('-1.50000000');
    expect(first.eventTime).toEqual(new Date(t0 + 10 * 60_000));
    expect(first.eventTimeMicros).toBe((t0 + 10 * 60_000) * 1000 + 7);
    expect([first.vwap, records[1].value.vwap]).toEqual(['1.25000000', null]);
  });

  it('from a partition offset starts there', async () => {
    const records = await take(bars(uniqueId('g'), { 0: 3 }), 2);
    expect(records.map((r) => r.offset)).toEqual(['3', '4']);
    expect(records[0].value.close).toBe(closes[3]);
  });

  it('commits a record only after the loop body that got it returned: a break leaves it to the next start', async () => {
    const group = uniqueId('g');
    const firstRun = await take(bars(group, 'earliest'), 5);
    expect(firstRun.map((r) => r.offset)).toEqual(['0', '1', '2', '3', '4']);
    // Offsets 0..3 were done when the next one was asked for; 4 was not: the loop broke on it.
    const secondRun = await take(bars(group, 'earliest'), 2);
    expect(secondRun.map((r) => r.offset)).toEqual(['4', '5']);
  });

  it('ends the iteration with an error naming the record it cannot decode, instead of skipping it', async () => {
    const sub = bars(uniqueId('g'), { 0: 19 });
    const iterator = sub[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.offset).toBe('19');
    await expect(iterator.next()).rejects.toThrow(`${topic}/0@20: cannot decode: not a registry-framed Avro record`);
    await sub.close();
  });
});
