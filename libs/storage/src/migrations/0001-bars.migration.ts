import { createMonthlyPartition, monthOf, monthSpan } from '../partitions';
import { sqlIdentifier } from '../sql-identifier';
import { interval, runStatements, type Migration, type MigrationContext } from './migration-context';

// Column names are the writer's contract (bar-writer.ts upserts exactly these).
const BARS_COLUMNS = `
  symbol          text             NOT NULL,
  timeframe       text             NOT NULL,
  time            timestamptz      NOT NULL, -- bar start = provider event time, UTC
  open            numeric(20,8)    NOT NULL,
  high            numeric(20,8)    NOT NULL,
  low             numeric(20,8)    NOT NULL,
  close           numeric(20,8)    NOT NULL,
  volume          bigint           NOT NULL,
  trade_count     bigint,
  vwap            numeric(20,8),
  session         text             NOT NULL,
  split_factor    double precision NOT NULL DEFAULT 1,
  dividend_factor double precision NOT NULL DEFAULT 1,
  provider        text             NOT NULL,
  revision        bigint           NOT NULL,
  ingest_time     timestamptz      NOT NULL,
  stored_at       timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, timeframe, time)`;

/** `bars` (hypertable or monthly range partitions) and the back-adjusted view over it. */
export const barsMigration: Migration = {
  name: '0001-bars',
  up: async ({ context }) => {
    const { db, capabilities } = context;
    const s = sqlIdentifier(context.options.schema);
    await runStatements(db, [`CREATE SCHEMA IF NOT EXISTS ${s}`]);
    await (capabilities.timescale ? timescaleBars(context) : partitionedBars(context));
    await runStatements(db, [
      `CREATE INDEX IF NOT EXISTS bars_symbol_time_desc ON ${s}.bars (symbol, time DESC)`,
      // Back-adjusted prices: factors are cumulative (1 until a corporate action applies), so
      // price x factors and volume / split factor keep a series continuous across splits.
      `CREATE OR REPLACE VIEW ${s}.bars_adjusted AS
       SELECT symbol, timeframe, time,
              round(open  * split_factor::numeric * dividend_factor::numeric, 8)::numeric(20,8) AS open,
              round(high  * split_factor::numeric * dividend_factor::numeric, 8)::numeric(20,8) AS high,
              round(low   * split_factor::numeric * dividend_factor::numeric, 8)::numeric(20,8) AS low,
              round(close * split_factor::numeric * dividend_factor::numeric, 8)::numeric(20,8) AS close,
              round(volume::numeric / split_factor::numeric)::bigint AS volume,
              trade_count,
              round(vwap  * split_factor::numeric * dividend_factor::numeric, 8)::numeric(20,8) AS vwap,
              session, split_factor, dividend_factor, provider, revision, ingest_time, stored_at
         FROM ${s}.bars`,
    ]);
  },
};

async function timescaleBars({ db, options }: MigrationContext): Promise<void> {
  const s = sqlIdentifier(options.schema);
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${s}.bars (${BARS_COLUMNS})`,
    `SELECT create_hypertable('${s}.bars', by_range('time', ${interval(options.chunkInterval1m)}), if_not_exists => true)`,
    // Segment by the key minus time: a symbol's bars compress together in time order, and an
    // upsert into a compressed chunk only decompresses that symbol's segment
    // (https://docs.timescale.com/use-timescale/latest/compression/about-compression/).
    `ALTER TABLE ${s}.bars SET (timescaledb.compress, timescaledb.compress_segmentby = 'symbol, timeframe', timescaledb.compress_orderby = 'time DESC')`,
    `SELECT add_compression_policy('${s}.bars', compress_after => ${interval(options.compressAfter)}, if_not_exists => true)`,
  ];
  if (options.retention.bars1m) {
    statements.push(`SELECT add_retention_policy('${s}.bars', drop_after => ${interval(options.retention.bars1m)}, if_not_exists => true)`);
  }
  await runStatements(db, statements);
}

async function partitionedBars({ db, options }: MigrationContext): Promise<void> {
  const s = sqlIdentifier(options.schema);
  await runStatements(db, [
    `CREATE TABLE IF NOT EXISTS ${s}.bars (${BARS_COLUMNS}) PARTITION BY RANGE (time)`,
    // BRIN: bars arrive roughly in time order, so block ranges map to time ranges and a
    // range scan skips most of the table with an index of a few pages
    // (https://www.postgresql.org/docs/15/brin-intro.html).
    `CREATE INDEX IF NOT EXISTS bars_time_brin ON ${s}.bars USING brin (time)`,
  ]);
  const current = monthOf(new Date());
  for (const month of monthSpan(current, options.partitionMonthsAhead + 1)) await createMonthlyPartition(db, options.schema, 'bars', month);
}
