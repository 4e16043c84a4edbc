import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';

/**
 * Adjustment schedules from md.restatements.v1, and `bars_adjusted` reading them.
 *
 * Restating history by UPDATE on `bars` would race the bars sink (a bar written after the
 * restatement keeps the old factors) and rewrite compressed chunks. Instead each symbol's
 * complete schedule is replaced as a whole, and the view takes a bar's factors from it; a
 * symbol without a schedule keeps the factors its bars were written with.
 */
export const adjustmentSegmentsMigration: Migration = {
  name: '0004-adjustment-segments',
  up: async ({ context: { db, options } }) => {
    const s = sqlIdentifier(options.schema);
    await runStatements(db, [
      `CREATE TABLE IF NOT EXISTS ${s}.adjustment_segments (
         symbol text NOT NULL, seq integer NOT NULL,
         from_time timestamptz, to_time timestamptz, -- [from, to); null = unbounded
         split_factor double precision NOT NULL, dividend_factor double precision NOT NULL,
         cause text NOT NULL, published_at timestamptz NOT NULL,
         PRIMARY KEY (symbol, seq))`,
      `CREATE OR REPLACE VIEW ${s}.bars_adjusted AS
       SELECT b.symbol, b.timeframe, b.time,
              round(b.open  * f.split::numeric * f.dividend::numeric, 8)::numeric(20,8) AS open,
              round(b.high  * f.split::numeric * f.dividend::numeric, 8)::numeric(20,8) AS high,
              round(b.low   * f.split::numeric * f.dividend::numeric, 8)::numeric(20,8) AS low,
              round(b.close * f.split::numeric * f.dividend::numeric, 8)::numeric(20,8) AS close,
              round(b.volume::numeric / f.split::numeric)::bigint AS volume,
              b.trade_count,
              round(b.vwap  * f.split::numeric * f.dividend::numeric, 8)::numeric(20,8) AS vwap,
              b.session, f.split AS split_factor, f.dividend AS dividend_factor, b.provider, b.revision, b.ingest_time, b.stored_at
         FROM ${s}.bars b
         LEFT JOIN LATERAL (
           SELECT a.split_factor, a.dividend_factor FROM ${s}.adjustment_segments a
            WHERE a.symbol = b.symbol AND (a.from_time IS NULL OR b.time >= a.from_time) AND (a.to_time IS NULL OR b.time < a.to_time)
            LIMIT 1) seg ON true
         CROSS JOIN LATERAL (
           SELECT COALESCE(seg.split_factor, b.split_factor) AS split,
                  COALESCE(seg.dividend_factor, b.dividend_factor) AS dividend) f`,
    ]);
  },
};
