import type { QuoteRecord, TradeRecord } from '@md/contracts';
import { toIso } from './bar-writer';
import { copyChunks, pgTextArray } from './copy-text';
import type { Queryable } from './db-port';
import { quoteKeys, tradeKeys } from './raw-record-keys';
import { sqlIdentifier } from './sql-identifier';

// Sinks for md.raw.trades.v1 and md.raw.quotes.v1 into `trades` and `quotes`
// (0006-raw-market-tables.migration.ts). A stored print is a fact: a redelivery or a replay of
// it changes nothing (ON CONFLICT DO NOTHING on the natural key), and a correction is a new
// record with its own key. Rows are inserted in the order given (topic order), which numbers
// their `arrival`: the order a replay gives records of the same microsecond.

type Value = string | number | null;
interface Column<T> {
  name: string;
  /** SQL type; text[] travels as an array literal in a text column and is cast on insert. */
  type: 'text' | 'timestamptz' | 'numeric' | 'bigint' | 'text[]';
  value(record: T, key: string): Value | readonly string[];
}
interface RawTable<T> {
  table: 'trades' | 'quotes';
  key: readonly string[];
  keys(records: readonly T[]): string[];
  columns: ReadonlyArray<Column<T>>;
}

const TRADES: RawTable<TradeRecord> = {
  table: 'trades',
  key: ['symbol', 'event_time', 'provider', 'correction', 'trade_key'],
  keys: tradeKeys,
  columns: [
    { name: 'symbol', type: 'text', value: (t) => t.symbol },
    { name: 'event_time', type: 'timestamptz', value: (t) => toIso(t.eventTime) },
    { name: 'provider', type: 'text', value: (t) => t.provider },
    { name: 'correction', type: 'text', value: (t) => t.correction },
    { name: 'trade_key', type: 'text', value: (_, key) => key },
    { name: 'trade_id', type: 'text', value: (t) => t.tradeId },
    { name: 'price', type: 'numeric', value: (t) => t.price },
    { name: 'size', type: 'bigint', value: (t) => t.size },
    { name: 'exchange', type: 'text', value: (t) => t.exchange },
    { name: 'conditions', type: 'text[]', value: (t) => t.conditions },
    { name: 'tape', type: 'text', value: (t) => t.tape },
    { name: 'ingest_time', type: 'timestamptz', value: (t) => toIso(t.ingestTime) },
  ],
};

const QUOTES: RawTable<QuoteRecord> = {
  table: 'quotes',
  key: ['symbol', 'event_time', 'provider', 'quote_key'],
  keys: quoteKeys,
  columns: [
    { name: 'symbol', type: 'text', value: (q) => q.symbol },
    { name: 'event_time', type: 'timestamptz', value: (q) => toIso(q.eventTime) },
    { name: 'provider', type: 'text', value: (q) => q.provider },
    { name: 'quote_key', type: 'text', value: (_, key) => key },
    { name: 'bid_price', type: 'numeric', value: (q) => q.bidPrice },
    { name: 'bid_size', type: 'bigint', value: (q) => q.bidSize },
    { name: 'bid_exchange', type: 'text', value: (q) => q.bidExchange },
    { name: 'ask_price', type: 'numeric', value: (q) => q.askPrice },
    { name: 'ask_size', type: 'bigint', value: (q) => q.askSize },
    { name: 'ask_exchange', type: 'text', value: (q) => q.askExchange },
    { name: 'conditions', type: 'text[]', value: (q) => q.conditions },
    { name: 'tape', type: 'text', value: (q) => q.tape },
    { name: 'ingest_time', type: 'timestamptz', value: (q) => toIso(q.ingestTime) },
  ],
};

/**
 * Inserts what is not stored yet and returns how many rows that was. With COPY (the pg adapter):
 * COPY into a transaction-local staging table, then one INSERT … SELECT … ORDER BY ord … ON
 * CONFLICT DO NOTHING (the bars sink's measured ~1.6x over unnest, README Storage); otherwise
 * INSERT … SELECT FROM unnest(…) WITH ORDINALITY. Run it inside the sink's transaction.
 */
async function insertRaw<T>(db: Queryable, spec: RawTable<T>, records: readonly T[], schema: string): Promise<number> {
  if (records.length === 0) return 0;
  const keys = spec.keys(records);
  const rows: Value[][] = records.map((r, i) => spec.columns.map((c) => {
    const v = c.value(r, keys[i]);
    return c.type === 'text[]' ? pgTextArray(v as readonly string[]) : (v as Value);
  }));
  const table = `${sqlIdentifier(schema)}.${spec.table}`;
  const names = spec.columns.map((c) => c.name).join(', ');
  const select = spec.columns.map((c) => (c.type === 'text[]' ? `${c.name}::text[]` : c.name)).join(', ');
  const wireType = (c: Column<T>) => (c.type === 'text[]' ? 'text' : c.type);
  const conflict = `ON CONFLICT (${spec.key.join(', ')}) DO NOTHING`;
  if (db.copyFrom) {
    const staging = `raw_${spec.table}_staging`;
    await db.query(`CREATE TEMP TABLE IF NOT EXISTS ${staging} (ord integer, ${spec.columns.map((c) => `${c.name} ${wireType(c)}`).join(', ')}) ON COMMIT DELETE ROWS`);
    await db.copyFrom(`COPY ${staging} (ord, ${names}) FROM STDIN`, copyChunks(rows.map((r, i) => [i, ...r])));
    return (await db.query(`INSERT INTO ${table} (${names}) SELECT ${select} FROM ${staging} ORDER BY ord ${conflict}`)).rowCount;
  }
  const unnest = spec.columns.map((c, j) => `$${j + 1}::${wireType(c)}[]`).join(', ');
  const params = spec.columns.map((_, j) => rows.map((r) => r[j]));
  return (await db.query(`INSERT INTO ${table} (${names}) SELECT ${select} FROM unnest(${unnest}) WITH ORDINALITY AS u(${names}, ord) ORDER BY ord ${conflict}`, params)).rowCount;
}

/** Stores trades in topic order; a stored trade (same key) is left as it is. Returns the rows added. */
export function insertTrades(db: Queryable, trades: readonly TradeRecord[], schema = 'md'): Promise<number> {
  return insertRaw(db, TRADES, trades, schema);
}

/** Stores quotes in topic order; a stored quote (same key) is left as it is. Returns the rows added. */
export function insertQuotes(db: Queryable, quotes: readonly QuoteRecord[], schema = 'md'): Promise<number> {
  return insertRaw(db, QUOTES, quotes, schema);
}
