import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';
import { timeSeriesTableDdl } from './time-series-table';

/**
 * The derived tables re-keyed before anything wrote them (no producer of md.bars.intrinsic.v1 or
 * md.altdata.signals.v1 existed before this migration), so they are recreated rather than altered.
 *
 * intrinsic_bars keyed by (symbol, kind, seq, end_time) instead of (symbol, kind, end_time,
 * start_time): LEAN and many feeds stamp trades to the millisecond, so two tick bars of a busy
 * symbol can open and close in the same millisecond and would collide on times alone. The bar
 * number `seq` (md.bars.intrinsic.v1) is the identity; end_time stays in the key because a
 * hypertable's unique index must contain its time column.
 *
 * altdata_signals gains source_id in its key: per-document signals (one news article, one
 * tweet) of one symbol can share a timestamp (news created_at has second precision) and must not
 * overwrite each other. Series and composites have no document and use ''.
 */
export const derivedTablesMigration: Migration = {
  name: '0005-derived-tables',
  up: async ({ context: { db, options, capabilities } }) => {
    const s = sqlIdentifier(options.schema);
    await runStatements(db, [`DROP TABLE IF EXISTS ${s}.intrinsic_bars`, `DROP TABLE IF EXISTS ${s}.altdata_signals`]);
    await runStatements(db, timeSeriesTableDdl(s, {
      name: 'intrinsic_bars', timeColumn: 'end_time', chunkInterval: options.chunkInterval1m, retention: null,
      compress: { segmentby: 'symbol, kind', orderby: 'end_time DESC, seq DESC' },
      columns: `symbol text NOT NULL, kind text NOT NULL, -- 'tick', 'volume', 'dollar', 'tick_imbalance', ...
        seq bigint NOT NULL, threshold double precision NOT NULL, start_time timestamptz NOT NULL, end_time timestamptz NOT NULL,
        open numeric(20,8) NOT NULL, high numeric(20,8) NOT NULL, low numeric(20,8) NOT NULL, close numeric(20,8) NOT NULL,
        volume bigint NOT NULL, dollar_value double precision NOT NULL, trade_count integer NOT NULL, provider text NOT NULL,
        PRIMARY KEY (symbol, kind, seq, end_time)`,
    }, capabilities, options));
    await runStatements(db, timeSeriesTableDdl(s, {
      name: 'altdata_signals', timeColumn: 'time', chunkInterval: options.chunkIntervalOther, retention: null,
      compress: { segmentby: 'symbol, source', orderby: 'time DESC, source_id' },
      columns: `symbol text NOT NULL, source text NOT NULL, time timestamptz NOT NULL, source_id text NOT NULL DEFAULT '',
        value double precision, details jsonb, PRIMARY KEY (symbol, source, source_id, time)`,
    }, capabilities, options));
  },
};
