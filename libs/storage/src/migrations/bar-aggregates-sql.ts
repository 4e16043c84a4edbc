/**
 * The coarser bars, aggregated from 1-minute rows. One definition renders both layouts
 * (TimescaleDB continuous aggregate, plain PostgreSQL materialised view) so they return the
 * same rows, to the digit: every output column is cast to its final type here.
 */
export interface BarAggregate {
  view: 'bars_5m' | 'bars_15m' | 'bars_1h' | 'bars_1d';
  bucket: string;
  /**
   * TimescaleDB refresh policy: re-materialise [now - startOffset, now - endOffset] every
   * `schedule`. endOffset = one bucket leaves the still-filling bucket to real-time aggregation;
   * startOffset bounds the work per run and is how late a correction may arrive and still be
   * re-materialised automatically (older ones: CALL refresh_continuous_aggregate by hand).
   */
  refresh: { startOffset: string; endOffset: string; schedule: string };
}

export const BAR_AGGREGATES: readonly BarAggregate[] = [
  { view: 'bars_5m', bucket: '5 minutes', refresh: { startOffset: '2 days', endOffset: '5 minutes', schedule: '5 minutes' } },
  { view: 'bars_15m', bucket: '15 minutes', refresh: { startOffset: '3 days', endOffset: '15 minutes', schedule: '15 minutes' } },
  { view: 'bars_1h', bucket: '1 hour', refresh: { startOffset: '7 days', endOffset: '1 hour', schedule: '1 hour' } },
  { view: 'bars_1d', bucket: '1 day', refresh: { startOffset: '35 days', endOffset: '1 day', schedule: '1 hour' } },
];

/**
 * SELECT of one aggregate. Buckets are UTC-aligned in both layouts: time_bucket on timestamptz
 * buckets in UTC (origin 2000-01-03) and date_bin uses origin 2000-01-01 UTC; the two origins
 * are two days apart, a whole number of every bucket here.
 * vwap = sum(price * volume) / sum(volume) with price = vwap, else the typical price
 * (high + low + close) / 3; written as sum(coalesce(3 * vwap, high + low + close) * volume) /
 * (3 * sum(volume)) it is the same number without rounding the typical price of each bar
 * first, then rounded once to 8 decimals.
 */
export function barAggregateSelect(schema: string, agg: BarAggregate, timescale: boolean): string {
  const bucket = timescale
    ? `time_bucket(INTERVAL '${agg.bucket}', time)`
    : `date_bin(INTERVAL '${agg.bucket}', time, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
  // TimescaleDB's first/last; the plain form is the documented array_agg equivalent.
  const first = timescale ? 'first(open, time)' : '(array_agg(open ORDER BY time))[1]';
  const last = timescale ? 'last(close, time)' : '(array_agg(close ORDER BY time DESC))[1]';
  return `SELECT symbol,
       ${bucket} AS time,
       ${first}::numeric(20,8) AS open,
       max(high)::numeric(20,8) AS high,
       min(low)::numeric(20,8) AS low,
       ${last}::numeric(20,8) AS close,
       sum(volume)::bigint AS volume,
       round(sum(coalesce(3 * vwap, high + low + close) * volume) / nullif(3 * sum(volume), 0), 8)::numeric(20,8) AS vwap,
       count(*)::bigint AS bar_count
  FROM ${schema}.bars
 WHERE timeframe = '1m'
 GROUP BY symbol, ${bucket}`;
}
