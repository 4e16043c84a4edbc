import type { Timeframe } from '@md/contracts';
import type { SeriesSegment, SessionScope } from '@md/market';
import type { BarRow } from './bar-queries';
import type { Queryable } from './db-port';
import { barsSource } from './series-bars';

// Coarse bars for the read API, aligned to the exchange session as the feature engine's
// SessionResampler aligns them (libs/features/src/session-resampler.ts), so a bar a client reads
// is the bar the features were computed on: buckets start at the 09:30 New York open, hours run
// 09:30–10:30 … 15:30–16:00 (a short last bucket; 12:30–13:00 on an early close, since no minute
// after the close is in the session), and 1d is the regular session labelled by its open. With
// sessions 'extended' the pre- and post-market minutes join on the same grid (the day labelled by
// the 04:00 pre-market open). The storage aggregates (bars_5m … bars_1d) stay UTC-aligned
// time_buckets of every session for SQL users; this is computed from the 1-minute rows at read
// time, bounded by the request's range and limit.
//
// 5m, 15m and 1h share one grid: date_bin from a :30 origin. New York is a whole number of hours
// from UTC in both summer and winter, so 09:30 New York is always on it.

export type CoarseTimeframe = Exclude<Timeframe, '1m'>;

const STEP: Record<CoarseTimeframe, string> = { '5m': '5 minutes', '15m': '15 minutes', '1h': '1 hour', '1d': '1 day' };
const GRID_ORIGIN = `TIMESTAMPTZ '2000-01-03 14:30:00+00'`;
const DAY_LABEL: Record<SessionScope, string> = { regular: '09:30', extended: '04:00' };
const SESSIONS: Record<SessionScope, string[]> = { regular: ['REGULAR'], extended: ['PRE', 'REGULAR', 'POST'] };

export interface SessionBarsQuery {
  symbol: string;
  timeframe: CoarseTimeframe;
  /** Buckets whose label (start) is in [from, to). */
  from: Date;
  to: Date;
  limit: number;
  adjusted: boolean;
  sessions: SessionScope;
  /** Only 1-minute bars known by then (their end at or before it) are aggregated. */
  asOf?: Date;
  order?: 'asc' | 'desc';
  /** The symbol's series (storedSymbolSeries): an adjusted request reads every ticker of it. */
  series?: readonly SeriesSegment[];
}

/** Session-aligned coarse bars of one symbol (`time` is the bucket's start, its label), oldest first (or newest first), at most `limit`. */
export async function querySessionBars(db: Queryable, schema: string, q: SessionBarsQuery): Promise<BarRow[]> {
  const source = barsSource(schema, q.symbol, q.adjusted, q.series);
  const ny = `(time AT TIME ZONE 'America/New_York')`;
  const bucket = q.timeframe === '1d'
    ? `((${ny})::date + TIME '${DAY_LABEL[q.sessions]}') AT TIME ZONE 'America/New_York'`
    : `date_bin(INTERVAL '${STEP[q.timeframe]}', time, ${GRID_ORIGIN})`;
  const order = q.order === 'desc' ? 'DESC' : 'ASC';
  // The 1-minute rows are read a day either side of the range: a bucket labelled in range may
  // hold minutes before `from` (a 1d label is 09:30, its pre-market is earlier) or after `to`.
  const { rows } = await db.query<Record<string, unknown>>(
    `WITH m AS (
       SELECT *, ${bucket} AS bucket FROM ${source.from}
        WHERE ${source.where} AND timeframe = '1m' AND session = ANY($2::text[])
          AND time >= $3::timestamptz - INTERVAL '1 day' AND time < $4::timestamptz + INTERVAL '1 day'
          AND ($6::timestamptz IS NULL OR time + INTERVAL '1 minute' <= $6::timestamptz))
     SELECT symbol, bucket,
            (array_agg(open ORDER BY time))[1]::text AS open, max(high)::text AS high, min(low)::text AS low,
            (array_agg(close ORDER BY time DESC))[1]::text AS close, sum(volume)::text AS volume,
            round(sum(coalesce(3 * vwap, high + low + close) * volume) / nullif(3 * sum(volume), 0), 8)::numeric(20,8)::text AS vwap
       FROM m WHERE bucket >= $3::timestamptz AND bucket < $4::timestamptz
      GROUP BY symbol, bucket ORDER BY bucket ${order} LIMIT $5`,
    [source.param, SESSIONS[q.sessions], q.from.toISOString(), q.to.toISOString(), q.limit, q.asOf?.toISOString() ?? null],
  );
  return rows.map((r) => ({
    symbol: String(r.symbol), timeframe: q.timeframe, time: new Date(r.bucket as string).toISOString(),
    open: String(r.open), high: String(r.high), low: String(r.low), close: String(r.close), volume: String(r.volume),
    vwap: r.vwap === null ? null : String(r.vwap),
  }));
}
