import { randomBytes } from 'node:crypto';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type CleanBar, type QuoteRecord, type TradeRecord } from '@md/contracts';
import { upsertBars } from '../src/bar-writer';
import type { StorageCapabilities } from '../src/capabilities';
import type { Db, Queryable } from '../src/db-port';
import { migrate } from '../src/migrations';
import { ensureMonthlyPartitions } from '../src/partitions';
import { PgDb } from '../src/pg-db';
import { PgliteDb } from '../src/pglite-db';
import { countRawHistory, rawHistoryPages, type RawHistoryRecord, type RawHistoryWindow } from '../src/raw-history-queries';
import { barMonths } from '../src/bar-writer';
import { insertQuotes, insertTrades } from '../src/raw-market-writer';
import { sinkTransaction } from '../src/sink-transaction';
import { DEFAULT_STORAGE_OPTIONS } from '../src/storage-options';

// Integration: `trades` and `quotes` (0006) on both layouts, written and read back as the replay
// reads them. PostgreSQL takes the COPY path inside a transaction and the unnest path outside one.
const TARGETS = [
  { name: 'embedded TimescaleDB', timescale: true, open: (): Promise<Db> => PgliteDb.open({}) },
  { name: 'plain PostgreSQL', timescale: false, open: async (): Promise<Db> => new PgDb(LOCAL_STACK.databaseUrl) },
];
const T0 = Date.UTC(2013, 9, 7, 13, 30) * 1000 + 123; // microseconds matter: kept exactly
const MS = 1000;

const trade = (i: number, over: Partial<TradeRecord> = {}): TradeRecord => ({
  symbol: 'SPY', provider: 'lean', eventTime: T0 + Math.floor(i / 3) * MS, ingestTime: T0 + 5 * MS, price: `168.${String(90 + (i % 7)).padStart(2, '0')}000000`,
  size: 100 * (1 + (i % 4)), exchange: i % 2 ? 'P' : null, tradeId: null, conditions: i % 5 ? [] : ['@', 'F,T'], tape: null, correction: 'NONE', ...over,
});
const quote = (i: number, over: Partial<QuoteRecord> = {}): QuoteRecord => ({
  symbol: 'SPY', provider: 'alpaca', eventTime: T0 + Math.floor(i / 4) * MS, ingestTime: T0, bidPrice: '168.89000000', bidSize: 100 + (i % 3),
  bidExchange: 'P', askPrice: '168.90000000', askSize: 200, askExchange: i % 2 ? 'Q' : null, conditions: ['R'], tape: 'C', ...over,
});

describe.each(TARGETS)('raw trades and quotes on $name', (target) => {
  const schema = `md_test_${randomBytes(4).toString('hex')}`;
  let db: Db;
  let caps: StorageCapabilities;
  beforeAll(async () => {
    db = await target.open();
    ({ capabilities: caps } = await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema }));
  }, 120_000);
  afterAll(async () => {
    if (db?.kind === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.close();
  });

  /** One sink write: partitions first on plain PostgreSQL, as the writer's raw sink does. */
  const write = (work: (tx: Queryable) => Promise<number>, records: Array<{ eventTime: number }>) => sinkTransaction(db, caps, async (tx) => {
    if (!caps.timescale) for (const t of ['trades', 'quotes']) await ensureMonthlyPartitions(tx, schema, t, barMonths(records));
    return work(tx);
  });
  const window = (over: Partial<RawHistoryWindow> = {}): RawHistoryWindow => ({ symbols: ['SPY'], fromUs: T0, toUs: T0 + 3_600_000_000, ...over });
  const readAll = async (topic: string, w: RawHistoryWindow, pageRows = 7) => {
    const out: RawHistoryRecord[] = [];
    for await (const page of rawHistoryPages(db, schema, topic, w, pageRows)) {
      expect(page.length).toBeLessThanOrEqual(pageRows);
      out.push(...page);
    }
    return out;
  };

  it(target.timescale ? 'makes trades and quotes compressed hypertables of one-day chunks segmented by symbol'
    : 'makes trades and quotes monthly range partitions with a BRIN index on event time', async () => {
    for (const table of ['trades', 'quotes']) {
      if (target.timescale) {
        const dim = await db.query<{ i: string }>(`SELECT time_interval::text AS i FROM timescaledb_information.dimensions WHERE hypertable_schema = $1 AND hypertable_name = $2`, [schema, table]);
        expect(dim.rows).toEqual([{ i: '1 day' }]);
        const seg = await db.query<{ attname: string }>(`SELECT attname FROM timescaledb_information.compression_settings
          WHERE hypertable_schema = $1 AND hypertable_name = $2 AND segmentby_column_index IS NOT NULL`, [schema, table]);
        expect(seg.rows).toEqual([{ attname: 'symbol' }]);
        const job = await db.query(`SELECT 1 FROM timescaledb_information.jobs WHERE hypertable_schema = $1 AND hypertable_name = $2 AND proc_name = 'policy_compression'`, [schema, table]);
        expect(job.rowCount).toBe(1);
      } else {
        const strategy = await db.query<{ partstrat: string }>(`SELECT p.partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`, [schema, table]);
        expect(strategy.rows).toEqual([{ partstrat: 'r' }]);
        const brin = await db.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexdef ILIKE '%USING brin (event_time)%'`, [schema, table]);
        expect(brin.rowCount).toBe(1);
      }
    }
  });

  const trades = Array.from({ length: 40 }, (_, i) => trade(i));

  it('stores every trade once, identical prints of one write included, and a replay of them adds nothing', async () => {
    trades.splice(10, 0, { ...trades[10] }, { ...trades[10] }); // three identical prints in a row
    expect(await write((tx) => insertTrades(tx, trades, schema), trades)).toBe(42);
    expect(await write((tx) => insertTrades(tx, trades, schema), trades)).toBe(0);
    // Outside a transaction the pg adapter has no COPY: the unnest path, same keys.
    expect(await insertTrades(db, trades.slice(0, 20), schema)).toBe(0);
    expect(await countRawHistory(db, schema, TOPICS.rawTrades, window())).toEqual({ records: 42, symbols: 1 });
    expect(await readAll(TOPICS.rawTrades, window())).toEqual(trades);
  });

  it('keeps a cancellation beside the print it cancels, and an id-keyed trade once however often it comes', async () => {
    const w = window({ symbols: ['AAPL'] });
    const print = trade(0, { symbol: 'AAPL', tradeId: '52983525029461', exchange: 'V' });
    const cancel = { ...print, correction: 'CANCELLED' as const, ingestTime: print.ingestTime + MS };
    expect(await write((tx) => insertTrades(tx, [print, print], schema), [print])).toBe(1);
    expect(await insertTrades(db, [print, cancel], schema)).toBe(1);
    expect(await readAll(TOPICS.rawTrades, w)).toEqual([print, cancel]);
  });

  it('reads a window [from, to) of the named symbols, per symbol in event-time order', async () => {
    const others = [trade(0, { symbol: 'QQQ', eventTime: T0 + 10 * MS }), trade(1, { symbol: 'QQQ', eventTime: T0 })];
    await write((tx) => insertTrades(tx, others, schema), others);
    const both = await readAll(TOPICS.rawTrades, window({ symbols: ['QQQ', 'SPY'], fromUs: T0, toUs: T0 + 10 * MS }), 5);
    // QQQ's trade at 10 ms is at the window's end: left out, as are SPY's from 10 ms on.
    expect(both).toEqual([others[1], ...trades.filter((t) => t.eventTime < T0 + 10 * MS)]);
    expect(both.length).toBe(33);
    expect((await readAll(TOPICS.rawTrades, window({ symbols: null }), 100)).map((t) => t.symbol)).toEqual([
      'AAPL', 'AAPL', 'QQQ', 'QQQ', ...Array(42).fill('SPY')]);
  });

  it('stores quotes once per content and ordinal, and reads them back as they came', async () => {
    const quotes = Array.from({ length: 17 }, (_, i) => quote(i));
    quotes.push({ ...quotes[16] });
    expect(await write((tx) => insertQuotes(tx, quotes, schema), quotes)).toBe(18);
    expect(await write((tx) => insertQuotes(tx, quotes, schema), quotes)).toBe(0);
    expect(await readAll(TOPICS.rawQuotes, window(), 4)).toEqual(quotes);
  });

  it('accepts a replay into compressed chunks on TimescaleDB and a new trade there', async () => {
    if (target.timescale) await db.query(`SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('${schema}.trades') c`);
    const stored = await readAll(TOPICS.rawTrades, window(), 100);
    const late = trade(99, { eventTime: T0 + 2 * MS + 1 });
    expect(await write((tx) => insertTrades(tx, [...(stored as TradeRecord[]), late], schema), [late])).toBe(1);
    expect(await countRawHistory(db, schema, TOPICS.rawTrades, window())).toEqual({ records: 43, symbols: 1 });
  });

  it('rebuilds raw bars from the bars table with their provider prices, revision and times', async () => {
    const bar = (i: number) => ({
      symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime: T0 - 123 + i * 60_000_000, ingestTime: T0 + 7, open: '17.90000000', high: '17.95000000',
      low: '17.88000000', close: `17.9${i}000000`, volume: 1200 + i, tradeCount: i ? 12 : null, vwap: i ? '17.91000000' : null, revision: i,
      session: 'REGULAR', splitFactor: 0.5, dividendFactor: 1, generation: 0,
    }) as CleanBar;
    const bars = [bar(0), bar(1), bar(2)];
    await sinkTransaction(db, caps, async (tx) => {
      if (!caps.timescale) await ensureMonthlyPartitions(tx, schema, 'bars', ['2013-10']);
      await upsertBars(tx, bars, schema);
    });
    const raw = await readAll(TOPICS.rawBars, window({ symbols: ['DBB'], fromUs: T0 - 123 }), 2);
    expect(raw).toEqual(bars.map(({ session: _s, splitFactor: _f, dividendFactor: _d, generation: _g, ...r }: CleanBar & { generation?: number }) => r));
  });
});
