import type { BarRow } from './bar-queries';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

/** A symbol's [from, to) range, typically one New York day. */
export interface DayRange {
  symbol: string;
  from: Date;
  to: Date;
}

/**
 * 1-minute raw bars of several (symbol, range) pairs in one round trip, oldest first within each,
 * at most `maxPerRange` per range (a day has at most 1440 minutes): the quality report's price
 * charts of flagged days. One index probe on (symbol, time) per range.
 */
export async function barsOfRanges(db: Queryable, schema: string, ranges: readonly DayRange[], maxPerRange: number): Promise<BarRow[]> {
  if (ranges.length === 0) return [];
  const s = sqlIdentifier(schema);
  const { rows } = await db.query<BarRow & { time: Date | string }>(
    `SELECT l.* FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS r(symbol, t0, t1)
     CROSS JOIN LATERAL (
       SELECT symbol, timeframe, time, open::text, high::text, low::text, close::text, volume::text, vwap::text
       FROM ${s}.bars b WHERE b.symbol = r.symbol AND b.timeframe = '1m' AND b.time >= r.t0 AND b.time < r.t1
       ORDER BY time LIMIT $4) l`,
    [ranges.map((r) => r.symbol), ranges.map((r) => r.from.toISOString()), ranges.map((r) => r.to.toISOString()), maxPerRange],
  );
  return rows.map((r) => ({ ...r, time: new Date(r.time).toISOString() }));
}
