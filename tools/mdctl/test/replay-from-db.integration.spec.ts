import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type IntrinsicBarRecord, type QuoteRecord, type RawBar, type TopicName, type TradeRecord } from '@md/contracts';
import { IntrinsicBarBuilder, type IntrinsicBarSpecInput } from '@md/intrinsic-bars';
import { SchemaCodec, createIdempotentProducer, endOffsets, readTopicRange, type PartitionOffsets } from '@md/kafka';
import { cleanBar } from '@md/market';
import {
  committedOffset, dbbRows, finishSliceRun, mdctl, prepareSliceRun, readSpyTrades, rowsToRawBars, startGroupAtEnd, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun,
} from '@md/testing';

// Integration, real stack, services as processes: SPY trades of 2013-10-07 published to
// md.raw.trades.v1 are stored by the timescale-writer's raw sink, then deleted from Kafka as
// retention would delete them, then re-published from the database by the built
// `mdctl replay --from-db`. The feature-engine's intrinsic bars from the replay must equal those
// from the original publication (both read read_committed) and the builders run in-process.
//
// Deleting records (DeleteRecords, KIP-107) is per partition, up to an offset: it also removes
// records other runs published earlier to the same partition, as retention would. Runs publish
// under their own symbol and consume from their own start offsets, so only a run that is still
// reading its own input from that partition at that moment could notice.

const TRADES = 3000;
const SPECS: IntrinsicBarSpecInput[] = [
  { kind: 'tick', threshold: 200 }, { kind: 'volume', threshold: 50_000 }, { kind: 'dollar', threshold: 5_000_000 },
  { kind: 'tick_imbalance', initialExpectedTicks: 100 },
];

describe('replay --from-db: trades beyond Kafka retention rebuild the same intrinsic bars (integration)', () => {
  let slice: SliceRun | undefined;
  let producer: Producer | undefined;
  let writer: RunningService;
  let rawGroup: string;
  let specFile: string;
  const services: RunningService[] = [];
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);

  beforeAll(async () => {
    slice = await prepareSliceRun('R');
    rawGroup = `writer-raw-${slice.run}`;
    await startGroupAtEnd(slice.kafka, rawGroup, [TOPICS.rawTrades, TOPICS.rawQuotes]);
    // Small writes: the 3,000 trades land in several transactions, across chunk boundaries.
    writer = await startService('timescale-writer', { ...slice.writerEnv, RAW_GROUP_ID: rawGroup, MAX_BATCH_RECORDS: '700' }, `test-${slice.run}-writer`);
    services.push(writer);
    await waitReady(writer);
    producer = createIdempotentProducer(slice.kafka);
    await producer.connect();
    specFile = join(mkdtempSync(join(tmpdir(), 'md-replay-db-')), 'intrinsic.json');
    writeFileSync(specFile, JSON.stringify(SPECS));
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await producer?.disconnect();
    await finishSliceRun(slice);
  });

  /** A feature-engine whose groups start at the topics' current end: it sees only what comes next. */
  async function startEngine(kafka: Kafka, run: string, label: string, specFile: string): Promise<{ engine: RunningService; group: string }> {
    const group = `fe-${label}-${run}`;
    await startGroupAtEnd(kafka, group, [TOPICS.bars, TOPICS.rawTrades]);
    await startGroupAtEnd(kafka, `${group}-redis`, [TOPICS.features]);
    const engine = await startService('feature-engine', {
      GROUP_ID: group, TRANSACTIONAL_ID: group, REDIS_GROUP_ID: `${group}-redis`, FEATURE_STORE_PREFIX: `test:${run}:${label}`,
      INTRINSIC_BARS_FILE: specFile, SESSION_TIMEOUT_MS: '6000',
    }, `test-${run}-engine-${label}`);
    services.push(engine);
    await waitReady(engine);
    return { engine, group };
  }

  /** Records of `symbol` on `topic` after `from` (per partition), decoded, in topic order. */
  async function recordsOf<T>(kafka: Kafka, topic: string, symbol: string, from: PartitionOffsets): Promise<T[]> {
    const out: T[] = [];
    for (const m of await readTopicRange(kafka, topic, from)) if (m.key?.toString() === symbol) out.push(await codec.decode<T>(topic, m.value));
    return out;
  }

  /** Publishes `values` keyed by `key` in sends of 1,000; the partition and the offset after the last. */
  async function publish(topic: TopicName, key: string, values: object[]): Promise<{ partition: number; end: bigint }> {
    let last = { partition: -1, end: 0n };
    for (let i = 0; i < values.length; i += 1000) {
      const messages = [];
      for (const v of values.slice(i, i + 1000)) messages.push({ key, value: await codec.encode(topic, v) });
      const [meta] = await producer!.send({ topic, acks: -1, messages });
      last = { partition: meta.partition, end: BigInt(meta.baseOffset!) + BigInt(messages.length) };
    }
    return last;
  }

  const storedRows = async (table: string, symbol: string) =>
    Number((await slice!.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${slice!.schema}.${table} WHERE symbol = $1`, [symbol])).rows[0].n);

  it('stores the trades, replays them from the database after Kafka dropped them, and the bars come out the same', async () => {
    const { kafka, run: symbol, schema } = slice!;

    // The trades as the LEAN file connector publishes them: its date:line trade ids, the file's condition.
    const trades: TradeRecord[] = (await readSpyTrades()).slice(0, TRADES).map((t, i) => ({
      symbol, provider: t.provider, eventTime: t.eventTime, ingestTime: t.ingestTime, price: t.price, size: t.size, exchange: t.exchange,
      tradeId: `20131007:${i + 1}`, conditions: [t.condition], tape: null, correction: 'NONE',
    }));
    const expectedBars = SPECS.flatMap((spec) => {
      const builder = IntrinsicBarBuilder.create(spec);
      return trades.flatMap((t) => builder.push(t));
    });
    expect(expectedBars.length).toBeGreaterThan(40);

    // 1. The original publication, built into bars by engine A and stored by the writer.
    const a = await startEngine(kafka, symbol, 'A', specFile);
    const barsFromA = await endOffsets(kafka, TOPICS.intrinsicBars);
    const { partition, end } = await publish(TOPICS.rawTrades, symbol, trades);
    await waitFor('engine A and the writer to consume the publication', async () =>
      (await committedOffset(kafka, a.group, TOPICS.rawTrades, partition)) >= end && (await committedOffset(kafka, rawGroup, TOPICS.rawTrades, partition)) >= end,
    120_000, 250);
    expect(await storedRows('trades', symbol)).toBe(TRADES);
    const original = await recordsOf<IntrinsicBarRecord>(kafka, TOPICS.intrinsicBars, symbol, barsFromA);
    expect(await stopService(a.engine)).toBe(0);
    // The engine emits each trade's bars as they close, kinds interleaved; in-process they are per kind.
    const byKind = (x: IntrinsicBarRecord, y: IntrinsicBarRecord) => x.kind.localeCompare(y.kind) || x.seq - y.seq;
    expect([...original].sort(byKind)).toEqual([...expectedBars].sort(byKind).map((bar) => expect.objectContaining(bar)));

    // 2. Gone from Kafka, as retention would have it.
    const admin = kafka.admin();
    await admin.connect();
    try {
      // kafkajs looks the partition leader up in metadata it has not loaded on a fresh admin.
      await admin.fetchTopicMetadata({ topics: [TOPICS.rawTrades] });
      await admin.deleteTopicRecords({ topic: TOPICS.rawTrades, partitions: [{ partition, offset: String(end) }] });
      const low = (await admin.fetchTopicOffsets(TOPICS.rawTrades)).find((o) => o.partition === partition)!.low;
      expect(BigInt(low)).toBeGreaterThanOrEqual(end);
    } finally {
      await admin.disconnect();
    }

    // 3. Re-published from the database, built into bars by a fresh engine B.
    const b = await startEngine(kafka, symbol, 'B', specFile);
    const barsFromB = await endOffsets(kafka, TOPICS.intrinsicBars);
    const tradesFrom = await endOffsets(kafka, TOPICS.rawTrades);
    const db = ['--database-url', LOCAL_STACK.databaseUrl, '--db-schema', schema];
    const window = ['--topic', TOPICS.rawTrades, '--from', '2013-10-07', '--to', '2013-10-08', '--symbols', symbol];
    const dry = await mdctl(['replay', '--from-db', ...window, ...db, '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stdout: expect.stringContaining(`would replay ${TRADES} stored md.raw.trades.v1 records of 1 symbol(s)`) });
    expect((await endOffsets(kafka, TOPICS.rawTrades)).get(partition)).toBe(tradesFrom.get(partition));
    const replay = await mdctl(['replay', '--from-db', ...window, ...db]);
    expect(replay.stderr).toContain(`replay: 3,000 of 3,000 records (100%), at ${symbol} 2013-10-07T13:31:`);
    expect(replay).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^replaying ${TRADES} stored md\\.raw\\.trades\\.v1 records [^\\n]*\\nreplayed ${TRADES} records into md\\.raw\\.trades\\.v1 in `)) });
    expect(replay.stdout + replay.stderr).not.toContain('postgres://postgres@'); // the URL is shown redacted

    // The replay is the publication: same records, same order, same key.
    expect(await recordsOf<TradeRecord>(kafka, TOPICS.rawTrades, symbol, tradesFrom)).toEqual(trades);
    const replayedEnd = BigInt((await endOffsets(kafka, TOPICS.rawTrades)).get(partition)!);
    await waitFor('engine B and the writer to consume the replay', async () =>
      (await committedOffset(kafka, b.group, TOPICS.rawTrades, partition)) >= replayedEnd && (await committedOffset(kafka, rawGroup, TOPICS.rawTrades, partition)) >= replayedEnd,
    120_000, 250);
    expect(await recordsOf<IntrinsicBarRecord>(kafka, TOPICS.intrinsicBars, symbol, barsFromB)).toEqual(original);
    // The writer read its own stored trades back and stored nothing twice.
    expect(await storedRows('trades', symbol)).toBe(TRADES);
    expect(await stopService(b.engine)).toBe(0);
  });

  it('re-publishes stored quotes, repeats included, and raw bars rebuilt from the bars table, as they were published', async () => {
    const { kafka, run: symbol, schema } = slice!;
    const t0 = Date.UTC(2024, 4, 1, 13, 30) * 1000;
    // Quotes at millisecond stamps, four to a stamp, every fifth one a repeat of the one before.
    const quotes: QuoteRecord[] = Array.from({ length: 240 }, (_, i) => ({
      symbol, provider: 'alpaca', eventTime: t0 + Math.floor(i / 4) * 1000, ingestTime: t0 + 2000, bidPrice: `17.${80 + (i % 7)}000000`,
      bidSize: 100, bidExchange: 'V', askPrice: '17.95000000', askSize: 200, askExchange: null, conditions: ['R'], tape: 'B',
    }));
    for (let i = 4; i < quotes.length; i += 5) quotes[i] = { ...quotes[i - 1] };
    const rawBars: RawBar[] = rowsToRawBars(dbbRows('2024-05-01', '2024-05-01'), symbol);
    const quotesAt = await publish(TOPICS.rawQuotes, symbol, quotes);
    const barsAt = await publish(TOPICS.bars, symbol, rawBars.map((b) => cleanBar(b)));
    await waitFor('the writer to store the quotes and the bars', async () =>
      (await committedOffset(kafka, rawGroup, TOPICS.rawQuotes, quotesAt.partition)) >= quotesAt.end
      && (await committedOffset(kafka, `writer-${symbol}`, TOPICS.bars, barsAt.partition)) >= barsAt.end, 120_000, 250);
    expect(await storedRows('quotes', symbol)).toBe(quotes.length);
    expect(await storedRows('bars', symbol)).toBe(rawBars.length);

    const db = ['--database-url', LOCAL_STACK.databaseUrl, '--db-schema', schema, '--symbols', symbol, '--from', '2024-05-01', '--to', '2024-05-02'];
    for (const [topic, expected] of [[TOPICS.rawQuotes, quotes], [TOPICS.rawBars, rawBars]] as const) {
      const from = await endOffsets(kafka, topic);
      const replay = await mdctl(['replay', '--from-db', '--topic', topic, ...db]);
      expect(replay).toMatchObject({ code: 0, stdout: expect.stringContaining(`replayed ${expected.length} records into ${topic}`) });
      expect(await recordsOf<object>(kafka, topic, symbol, from)).toEqual(expected);
    }
    // The quotes came back to the writer's raw group too: stored once all the same.
    const quotesEnd = BigInt((await endOffsets(kafka, TOPICS.rawQuotes)).get(quotesAt.partition)!);
    await waitFor('the writer to read the replayed quotes', async () => (await committedOffset(kafka, rawGroup, TOPICS.rawQuotes, quotesAt.partition)) >= quotesEnd, 60_000, 250);
    expect(await storedRows('quotes', symbol)).toBe(quotes.length);
    expect(await stopService(writer)).toBe(0);
  });

  it('exits 1 naming the missing table when the schema holds no trades, and 2 on a topic it does not store', async () => {
    const db = ['--database-url', LOCAL_STACK.databaseUrl, '--db-schema', 'md_no_such_schema'];
    const missing = await mdctl(['replay', '--from-db', '--topic', TOPICS.rawTrades, '--from', '2013-10-07', '--to', '2013-10-08', ...db]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^mdctl: relation "md_no_such_schema\.trades" does not exist in postgres:\/\/[^\n]*: check --db-schema/);
    const wrong = await mdctl(['replay', '--from-db', '--topic', TOPICS.bars, '--from', '2013-10-07', '--to', '2013-10-08', ...db]);
    expect(wrong).toMatchObject({ code: 2, stderr: expect.stringContaining('--from-db replays what the timescale-writer stores') });
  });
});
