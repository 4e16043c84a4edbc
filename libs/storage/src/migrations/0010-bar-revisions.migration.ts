import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';
import { timeSeriesTableDdl } from './time-series-table';

// Column names are the writers' contract (bar-upsert-sql.ts copies exactly these from `bars`).
const BAR_REVISIONS_COLUMNS = `
  symbol          text          NOT NULL,
  timeframe       text          NOT NULL,
  time            timestamptz   NOT NULL, -- the bar's start, as in bars
  open            numeric(20,8) NOT NULL,
  high            numeric(20,8) NOT NULL,
  low             numeric(20,8) NOT NULL,
  close           numeric(20,8) NOT NULL,
  volume          bigint        NOT NULL,
  trade_count     bigint,
  vwap            numeric(20,8),
  provider        text          NOT NULL,
  revision        bigint        NOT NULL, -- the replaced version's
  generation      bigint        NOT NULL,
  new_revision    bigint        NOT NULL, -- the version that replaced it
  new_generation  bigint        NOT NULL,
  new_provider    text          NOT NULL,
  replaced_at     timestamptz   NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, timeframe, time, generation, revision)`;

/**
 * `bar_revisions` (issue 16 part 4): every bar version the writer's upsert replaced with other
 * content, written by the same statement that replaces it (bar-upsert-sql.ts), so `bars` holds
 * the settled value and this log what was published before (a live bar that a REST bar of the
 * same minute outranked). Corrections as new records, the old never lost (STYLE.md, after
 * nautilus_trader's design principles). Keyed by the replaced version, so a redelivered write adds
 * nothing. A hypertable with the bars' retention on TimescaleDB; on plain PostgreSQL one table
 * with a BRIN index (a row per replaced bar: small next to `bars`).
 */
export const barRevisionsMigration: Migration = {
  name: '0010-bar-revisions',
  up: async ({ context: { db, options, capabilities } }) => {
    const s = sqlIdentifier(options.schema);
    await runStatements(db, timeSeriesTableDdl(s, {
      name: 'bar_revisions', columns: BAR_REVISIONS_COLUMNS, timeColumn: 'time', chunkInterval: options.chunkInterval1m, compress: null, retention: options.retention.bars1m,
    }, capabilities, options));
  },
};
