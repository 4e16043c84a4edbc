import type { Timeframe } from '@md/contracts';
import type { SeriesSegment } from '@md/market';
import type { Queryable } from './db-port';
import { barsSource } from './series-bars';
import { sqlIdentifier } from './sql-identifier';

export interface BarRow {
  symbol: string;
  timeframe: Timeframe;
  time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  vwap: string | null;
}

export interface BarsQuery {
  symbol: string;
  /** 1-minute rows only; coarser bars come session-aligned from querySessionBars. */
  timeframe: '1m';
  from: Date;
  to: Date;
  /** Mandatory bound on rows returned; the API caps it. */
  limit: number;
  adjusted: boolean;
  /** Only bars ended by then (start + 1 minute <= asOf): a point-in-time read. */
  asOf?: Date;
  /** 'desc' returns the newest first: the nearest bar before a time, for gap filling. Default 'asc'. */
  order?: 'asc' | 'desc';
  /** The symbol's series (storedSymbolSeries): an adjusted request reads every ticker of it. */
  series?: readonly SeriesSegment[];
}

/**
 * 1-minute bars of one symbol in [from, to), oldest first (or newest first), at most `limit`:
 * raw rows from `bars`, back-adjusted ones from `bars_adjusted` (the latest factors), or from
 * every ticker of the symbol's series when it has one (series-bars.ts). All values
 * are bound parameters; only the configured schema name is spliced, after validation.
 */
export async function queryBars(db: Queryable, schema: string, q: BarsQuery): Promise<BarRow[]> {
  const source = barsSource(schema, q.symbol, q.adjusted, q.series);
  const order = q.order === 'desc' ? 'DESC' : 'ASC';
  const { rows } = await db.query<BarRow & { time: Date | string }>(
    `SELECT symbol, timeframe, time, open::text, high::text, low::text, close::text, volume::text, vwap::text FROM ${source.from}
      WHERE ${source.where} AND timeframe = '1m' AND time >= $2::timestamptz AND time < $3::timestamptz
        AND ($5::timestamptz IS NULL OR time + INTERVAL '1 minute' <= $5::timestamptz)
      ORDER BY time ${order} LIMIT $4`,
    [source.param, q.from.toISOString(), q.to.toISOString(), q.limit, q.asOf?.toISOString() ?? null],
  );
  return rows.map((r) => ({ ...r, time: new Date(r.time).toISOString() }));
}

/** The newest 1-minute bar of each symbol (one index probe per symbol on (symbol, time desc)). */
export async function latestBars(db: Queryable, schema: string, symbols: string[]): Promise<BarRow[]> {
  const s = sqlIdentifier(schema);
  const { rows } = await db.query<BarRow & { time: Date | string }>(
    `SELECT l.* FROM unnest($1::text[]) AS sym(symbol)
     CROSS JOIN LATERAL (
       SELECT symbol, timeframe, time, open::text, high::text, low::text, close::text, volume::text, vwap::text
       FROM ${s}.bars b WHERE b.symbol = sym.symbol AND b.timeframe = '1m' ORDER BY time DESC LIMIT 1) l`,
    [symbols],
  );
  return rows.map((r) => ({ ...r, time: new Date(r.time).toISOString() }));
}

export interface BarsSummary {
  symbol: string;
  timeframe: string;
  rows: number;
  first: string | null;
  last: string | null;
}

export async function barsSummary(db: Queryable, schema: string, symbol: string, timeframe: Timeframe): Promise<BarsSummary> {
  const s = sqlIdentifier(schema);
  const { rows } = await db.query<{ rows: number | string; first: Date | null; last: Date | null }>(
    `SELECT count(*) AS rows, min(time) AS first, max(time) AS last FROM ${s}.bars WHERE symbol = $1 AND timeframe = $2`,
    [symbol, timeframe],
  );
  const r = rows[0];
  return { symbol, timeframe, rows: Number(r.rows), first: r.first ? new Date(r.first).toISOString() : null, last: r.last ? new Date(r.last).toISOString() : null };
}

/** Latest snapshot of an underlying's chain for one expiry (or all expiries), bounded. */
export async function optionChain(db: Queryable, schema: string, underlying: string, expiry: string | undefined, limit: number): Promise<Record<string, unknown>[]> {
  const s = sqlIdentifier(schema);
  const { rows } = await db.query(
    `SELECT DISTINCT ON (occ_symbol) occ_symbol, underlying, expiry::text, strike::text, option_type, snapshot_time,
            bid::text, ask::text, last::text, volume, open_interest, implied_volatility, delta, gamma, theta, vega, rho, greeks_source, provider
     FROM ${s}.options_chain
     WHERE underlying = $1 AND ($2::date IS NULL OR expiry = $2::date)
     ORDER BY occ_symbol, snapshot_time DESC LIMIT $3`,
    [underlying, expiry ?? null, limit],
  );
  return rows;
}

/** Stored actions of the given tickers (a symbol's series), newest first, bounded. */
export async function corporateActions(db: Queryable, schema: string, symbols: readonly string[], limit: number): Promise<Record<string, unknown>[]> {
  const s = sqlIdentifier(schema);
  const { rows } = await db.query(
    `SELECT symbol, effective_date::text, action_type, details, provider, revision
     FROM ${s}.corporate_actions WHERE symbol = ANY($1::text[]) ORDER BY effective_date DESC, symbol LIMIT $2`,
    [symbols, limit],
  );
  return rows;
}
