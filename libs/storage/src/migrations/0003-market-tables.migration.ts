import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';
import { timeSeriesTableDdl, type TimeSeriesTable } from './time-series-table';

/**
 * Features, intrinsic bars, option chains, corporate actions, alt-data signals, quality issues.
 *
 * Features are long and narrow, one row per (symbol, timeframe, name, time) with a float8 value,
 * rather than one jsonb document per bar: a new feature needs no migration, each value is
 * typed and indexable, and segmenting compression by (symbol, timeframe, name) stores one
 * feature's series contiguously, which compresses far better than repeated jsonb keys.
 */
export const marketTablesMigration: Migration = {
  name: '0003-market-tables',
  up: async ({ context: { db, options, capabilities } }) => {
    const s = sqlIdentifier(options.schema);
    const fast = options.chunkInterval1m;
    const slow = options.chunkIntervalOther;
    const tables: TimeSeriesTable[] = [
      {
        name: 'features', timeColumn: 'time', chunkInterval: fast, retention: options.retention.features,
        compress: { segmentby: 'symbol, timeframe, name', orderby: 'time DESC' },
        columns: `symbol text NOT NULL, timeframe text NOT NULL, time timestamptz NOT NULL, name text NOT NULL,
          value double precision, PRIMARY KEY (symbol, timeframe, name, time)`,
      },
      {
        name: 'intrinsic_bars', timeColumn: 'end_time', chunkInterval: fast, retention: null,
        compress: { segmentby: 'symbol, kind', orderby: 'end_time DESC, start_time DESC' },
        columns: `symbol text NOT NULL, kind text NOT NULL, -- 'tick', 'volume', 'dollar', 'tick_imbalance', ...
          threshold numeric NOT NULL, start_time timestamptz NOT NULL, end_time timestamptz NOT NULL,
          open numeric(20,8) NOT NULL, high numeric(20,8) NOT NULL, low numeric(20,8) NOT NULL, close numeric(20,8) NOT NULL,
          volume bigint NOT NULL, dollar_value numeric NOT NULL, trade_count integer NOT NULL,
          PRIMARY KEY (symbol, kind, end_time, start_time)`,
      },
      {
        name: 'options_chain', timeColumn: 'snapshot_time', chunkInterval: fast, retention: null,
        compress: { segmentby: 'occ_symbol', orderby: 'snapshot_time DESC' },
        columns: `occ_symbol text NOT NULL, underlying text NOT NULL, expiry date NOT NULL, strike numeric(20,8) NOT NULL,
          option_type char(1) NOT NULL CHECK (option_type IN ('C', 'P')), snapshot_time timestamptz NOT NULL,
          bid numeric(20,8), ask numeric(20,8), last numeric(20,8), volume bigint, open_interest bigint,
          implied_volatility double precision, delta double precision, gamma double precision, theta double precision,
          vega double precision, rho double precision, greeks_source text, provider text NOT NULL,
          PRIMARY KEY (occ_symbol, snapshot_time)`,
      },
      {
        name: 'altdata_signals', timeColumn: 'time', chunkInterval: slow, retention: null,
        compress: { segmentby: 'symbol, source', orderby: 'time DESC' },
        columns: `symbol text NOT NULL, source text NOT NULL, time timestamptz NOT NULL, value double precision,
          details jsonb, PRIMARY KEY (symbol, source, time)`,
      },
      {
        // Natural key: re-detecting the same issue over the same window updates it, never duplicates it.
        name: 'quality_issues', timeColumn: 'window_start', chunkInterval: slow, retention: options.retention.qualityIssues,
        compress: null,
        columns: `symbol text NOT NULL, timeframe text NOT NULL, issue_type text NOT NULL, severity text NOT NULL,
          window_start timestamptz NOT NULL, window_end timestamptz NOT NULL, evidence jsonb,
          detected_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (symbol, timeframe, issue_type, window_start)`,
      },
    ];
    for (const t of tables) await runStatements(db, timeSeriesTableDdl(s, t, capabilities, options));
    await runStatements(db, [
      `CREATE INDEX IF NOT EXISTS options_chain_underlying_expiry ON ${s}.options_chain (underlying, expiry, snapshot_time DESC)`,
      // Few rows, looked up by symbol and date: an ordinary table in both layouts.
      `CREATE TABLE IF NOT EXISTS ${s}.corporate_actions (
         symbol text NOT NULL, effective_date date NOT NULL, action_type text NOT NULL, details jsonb NOT NULL,
         provider text NOT NULL, revision bigint NOT NULL, PRIMARY KEY (symbol, effective_date, action_type))`,
    ]);
  },
};
