import { TOPICS, type QuoteRecord, type RawBar, type Timeframe, type TradeRecord } from '@md/contracts';
import { toIso } from './bar-writer';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

// Reads a stored window back as the raw topics' records, for `mdctl replay --from-db`: trades and
// quotes from `trades`/`quotes`, raw bars rebuilt from `bars` (which keeps the provider's prices,
// volume, revision, provider, event and ingest time; adjustment factors live beside them).
// Order: per symbol by event time, ties by `arrival` (the order the writer first stored them, i.e.
// topic order) or, for bars, by timeframe. Pages by keyset on that order, each bounded.

export const REPLAYABLE_TOPICS = [TOPICS.rawTrades, TOPICS.rawQuotes, TOPICS.rawBars] as const;
export type ReplayableTopic = (typeof REPLAYABLE_TOPICS)[number];
export type RawHistoryRecord = TradeRecord | QuoteRecord | RawBar;

/** [fromUs, toUs) in event time, UTC micros; `symbols` null = every symbol stored in the window. */
export interface RawHistoryWindow {
  symbols: readonly string[] | null;
  fromUs: number;
  toUs: number;
}

type Row = Record<string, any>;
interface Source {
  table: string;
  time: string;
  /** Breaks ties within (symbol, time); unique per row together with them. */
  tie: { column: string; type: string };
  columns: string;
  toRecord(row: Row): RawHistoryRecord;
}

// Micros since the epoch, exact: extract() returns numeric since PostgreSQL 14.
const micros = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint AS ${column}_us`;
const num = (v: string | null) => (v === null ? null : Number(v));

const SOURCES: Record<ReplayableTopic, Source> = {
  [TOPICS.rawTrades]: {
    table: 'trades', time: 'event_time', tie: { column: 'arrival', type: 'bigint' },
    columns: `symbol, provider, ${micros('event_time')}, ${micros('ingest_time')}, price::text, size, exchange, trade_id, conditions, tape, correction`,
    toRecord: (r): TradeRecord => ({
      symbol: r.symbol, provider: r.provider, eventTime: Number(r.event_time_us), ingestTime: Number(r.ingest_time_us), price: r.price, size: Number(r.size),
      exchange: r.exchange, tradeId: r.trade_id, conditions: r.conditions, tape: r.tape, correction: r.correction,
    }),
  },
  [TOPICS.rawQuotes]: {
    table: 'quotes', time: 'event_time', tie: { column: 'arrival', type: 'bigint' },
    columns: `symbol, provider, ${micros('event_time')}, ${micros('ingest_time')}, bid_price::text, bid_size, bid_exchange, ask_price::text, ask_size, ask_exchange, conditions, tape`,
    toRecord: (r): QuoteRecord => ({
      symbol: r.symbol, provider: r.provider, eventTime: Number(r.event_time_us), ingestTime: Number(r.ingest_time_us),
      bidPrice: r.bid_price, bidSize: Number(r.bid_size), bidExchange: r.bid_exchange, askPrice: r.ask_price, askSize: Number(r.ask_size),
      askExchange: r.ask_exchange, conditions: r.conditions, tape: r.tape,
    }),
  },
  [TOPICS.rawBars]: {
    table: 'bars', time: 'time', tie: { column: 'timeframe', type: 'text' },
    columns: `symbol, timeframe, provider, ${micros('time')}, ${micros('ingest_time')}, open::text, high::text, low::text, close::text, volume, trade_count, vwap::text, revision`,
    toRecord: (r): RawBar => ({
      symbol: r.symbol, timeframe: r.timeframe as Timeframe, provider: r.provider, eventTime: Number(r.time_us), ingestTime: Number(r.ingest_time_us),
      open: r.open, high: r.high, low: r.low, close: r.close, volume: Number(r.volume), tradeCount: num(r.trade_count), vwap: r.vwap, revision: Number(r.revision),
    }),
  },
};

function sourceOf(topic: string): Source {
  const source = SOURCES[topic as ReplayableTopic];
  if (!source) throw new Error(`${topic} is not stored: replayable topics are ${REPLAYABLE_TOPICS.join(', ')}`);
  return source;
}

/** The window's filter and its parameters ($1…$3). */
function windowFilter(source: Source, w: RawHistoryWindow): { where: string; params: unknown[] } {
  return {
    where: `${source.time} >= $1::timestamptz AND ${source.time} < $2::timestamptz${w.symbols ? ' AND symbol = ANY($3::text[])' : ''}`,
    params: [toIso(w.fromUs), toIso(w.toUs), ...(w.symbols ? [w.symbols] : [])],
  };
}

/** Rows and distinct symbols the window holds (what a replay of it will publish). */
export async function countRawHistory(db: Queryable, schema: string, topic: string, w: RawHistoryWindow): Promise<{ records: number; symbols: number }> {
  const source = sourceOf(topic);
  const { where, params } = windowFilter(source, w);
  const r = await db.query<{ records: string; symbols: string }>(
    `SELECT count(*) AS records, count(DISTINCT symbol) AS symbols FROM ${sqlIdentifier(schema)}.${source.table} WHERE ${where}`, params);
  return { records: Number(r.rows[0].records), symbols: Number(r.rows[0].symbols) };
}

/**
 * The window's records as the topic's values, in pages of at most `pageRows`, per symbol in
 * event-time order. Keyset paging (no OFFSET): each page starts after the last row of the previous
 * one, so a page costs the same wherever it is in the window.
 */
export async function* rawHistoryPages(db: Queryable, schema: string, topic: string, w: RawHistoryWindow, pageRows: number): AsyncGenerator<RawHistoryRecord[]> {
  if (!Number.isInteger(pageRows) || pageRows < 1) throw new Error(`pageRows must be a positive integer, not ${pageRows}`);
  const source = sourceOf(topic);
  const { where, params } = windowFilter(source, w);
  const order = `symbol, ${source.time}, ${source.tie.column}`;
  const select = `SELECT ${source.columns}, ${source.tie.column}::text AS tie_key FROM ${sqlIdentifier(schema)}.${source.table}`;
  let after: Row | null = null;
  for (;;) {
    const n = params.length;
    const keyset: string = after ? ` AND (${order}) > ($${n + 1}::text, $${n + 2}::timestamptz, $${n + 3}::${source.tie.type})` : '';
    const pageParams: unknown[] = after ? [...params, after.symbol, toIso(Number(after[`${source.time}_us`])), after.tie_key] : params;
    const { rows }: { rows: Row[] } = await db.query<Row>(`${select} WHERE ${where}${keyset} ORDER BY ${order} LIMIT ${pageRows}`, pageParams);
    if (rows.length) yield rows.map(source.toRecord);
    if (rows.length < pageRows) return;
    after = rows[rows.length - 1];
  }
}
