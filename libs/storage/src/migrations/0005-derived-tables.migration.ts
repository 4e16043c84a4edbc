import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';
import { timeSeriesTableDdl } from './time-series-table';

/**
 * intrinsic_bars keyed by (symbol, kind, seq, end_time) instead of (symbol, kind, end_time,
 * start_time): LEAN and many feeds stamp trades to the millisecond, so two tick bars of a busy
 * symbol can open and close in the same millisecond and would collide on times alone. The bar
 * number `seq` (md.bars.intrinsic.v1) is the identity; end_time stays in the key because a
 * hypertable's unique index must contain its time column.
 *
 * The 0003 table was never written (no producer existed before md.bars.intrinsic.v1), so it is
 * recreated rather than altered.
 */
export const intrinsicBarsSeqMigration: Migration = {
  name: '0005-intrinsic-bars-seq',
  up: async ({ context: { db, options, capabilities } }) => {
    const s = sqlIdentifier(options.schema);
    await runStatements(db, [`DROP TABLE IF EXISTS ${s}.intrinsic_bars`]);
    await runStatements(db, timeSeriesTableDdl(s, {
      name: 'intrinsic_bars', timeColumn: 'end_time', chunkInterval: options.chunkInterval1m, retention: null,
      compress: { segmentby: 'symbol, kind', orderby: 'end_time DESC, seq DESC' },
      columns: `symbol text NOT NULL, kind text NOT NULL, -- 'tick', 'volume', 'dollar', 'tick_imbalance', ...
        seq bigint NOT NULL, threshold double precision NOT NULL, start_time timestamptz NOT NULL, end_time timestamptz NOT NULL,
        open numeric(20,8) NOT NULL, high numeric(20,8) NOT NULL, low numeric(20,8) NOT NULL, close numeric(20,8) NOT NULL,
        volume bigint NOT NULL, dollar_value double precision NOT NULL, trade_count integer NOT NULL, provider text NOT NULL,
        PRIMARY KEY (symbol, kind, seq, end_time)`,
    }, capabilities, options));
  },
};
