import type { CleanBar, Session, Timeframe } from '@md/contracts';
import { toIso } from './bar-writer';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

const PAGE_ROWS = 10_000;

/**
 * The stored clean bars of one symbol and timeframe with event times in [fromUs, toUs), oldest
 * first, in pages of at most 10,000 (keyset on time, so memory stays one page whatever the span):
 * the input of a reprocess, which recomputes a stage's outputs from what the writer stored,
 * beyond Kafka's retention.
 */
export async function* storedCleanBars(db: Queryable, schema: string, symbol: string, timeframe: Timeframe, fromUs: number, toUs: number): AsyncGenerator<CleanBar[]> {
  const s = sqlIdentifier(schema);
  // Keyset paging: the first page from `fromUs` inclusive, each next one after the last row's time.
  let [bound, op] = [toIso(fromUs), '>='];
  for (;;) {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT symbol, timeframe, provider, (extract(epoch FROM time) * 1000000)::bigint AS t, (extract(epoch FROM ingest_time) * 1000000)::bigint AS it,
              open::text, high::text, low::text, close::text, volume, trade_count, vwap::text, revision, session, split_factor, dividend_factor, generation
         FROM ${s}.bars
        WHERE symbol = $1 AND timeframe = $2 AND time ${op} $3::timestamptz AND time < $4::timestamptz
        ORDER BY time LIMIT ${PAGE_ROWS}`,
      [symbol, timeframe, bound, toIso(toUs)],
    );
    if (!rows.length) return;
    yield rows.map(toCleanBar);
    if (rows.length < PAGE_ROWS) return;
    [bound, op] = [toIso(Number(rows[rows.length - 1].t)), '>'];
  }
}

function toCleanBar(r: Record<string, unknown>): CleanBar {
  return {
    symbol: String(r.symbol), timeframe: r.timeframe as Timeframe, provider: String(r.provider), eventTime: Number(r.t), ingestTime: Number(r.it),
    open: String(r.open), high: String(r.high), low: String(r.low), close: String(r.close), volume: Number(r.volume),
    tradeCount: r.trade_count === null ? null : Number(r.trade_count), vwap: r.vwap === null ? null : String(r.vwap), revision: Number(r.revision),
    session: r.session as Session, splitFactor: Number(r.split_factor), dividendFactor: Number(r.dividend_factor), generation: Number(r.generation),
  };
}

/** Symbols with stored 1-minute bars with event times in [fromUs, toUs): a reprocess's default universe. */
export async function storedSymbols(db: Queryable, schema: string, fromUs: number, toUs: number): Promise<string[]> {
  const { rows } = await db.query<{ symbol: string }>(
    `SELECT DISTINCT symbol FROM ${sqlIdentifier(schema)}.bars WHERE timeframe = '1m' AND time >= $1::timestamptz AND time < $2::timestamptz ORDER BY symbol`,
    [toIso(fromUs), toIso(toUs)],
  );
  return rows.map((r) => r.symbol);
}

/** Whether `schema` holds the writer's tables (its migrations ran there). */
export async function hasStoredBars(db: Queryable, schema: string): Promise<boolean> {
  const { rows } = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${sqlIdentifier(schema)}.bars`]);
  return rows[0].t !== null;
}
