import { createMonthlyPartition, monthOf, monthSpan } from '../partitions';
import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration, type MigrationContext } from './migration-context';
import { timeSeriesTableDdl } from './time-series-table';

// Column names are the writer's contract (raw-market-writer.ts writes exactly these); the keys
// are computed by raw-record-keys.ts. `arrival` numbers rows in the order the writer first
// stored them (a sequence, so a redelivery, which changes nothing, keeps its first number): trades
// of one symbol often share a millisecond, and replaying them in that order rebuilds the same
// tick, volume and dollar bars (issue 12 part 4).
const TRADES_COLUMNS = (s: string) => `
  symbol      text          NOT NULL,
  event_time  timestamptz   NOT NULL, -- provider's trade time, UTC
  provider    text          NOT NULL,
  correction  text          NOT NULL CHECK (correction IN ('NONE', 'CORRECTED', 'CANCELLED')),
  trade_key   text          NOT NULL, -- the provider's trade id, or '~' content hash '.' ordinal when it gives none
  trade_id    text,                   -- the id as the provider gave it (null when none)
  price       numeric(20,8) NOT NULL,
  size        bigint        NOT NULL,
  exchange    text,
  conditions  text[]        NOT NULL DEFAULT '{}',
  tape        text,
  ingest_time timestamptz   NOT NULL,
  arrival     bigint        NOT NULL DEFAULT nextval('${s}.trades_arrival'),
  PRIMARY KEY (symbol, event_time, provider, correction, trade_key)`;

const QUOTES_COLUMNS = (s: string) => `
  symbol       text          NOT NULL,
  event_time   timestamptz   NOT NULL, -- provider's quote time, UTC
  provider     text          NOT NULL,
  quote_key    text          NOT NULL, -- content hash '.' ordinal (quotes carry no id)
  bid_price    numeric(20,8) NOT NULL,
  bid_size     bigint        NOT NULL,
  bid_exchange text,
  ask_price    numeric(20,8) NOT NULL,
  ask_size     bigint        NOT NULL,
  ask_exchange text,
  conditions   text[]        NOT NULL DEFAULT '{}',
  tape         text,
  ingest_time  timestamptz   NOT NULL,
  arrival      bigint        NOT NULL DEFAULT nextval('${s}.quotes_arrival'),
  PRIMARY KEY (symbol, event_time, provider, quote_key)`;

const TABLES = [
  { name: 'trades', columns: TRADES_COLUMNS },
  { name: 'quotes', columns: QUOTES_COLUMNS },
] as const;

/**
 * `trades` and `quotes` (md.raw.trades.v1, md.raw.quotes.v1): kept 3 days in Kafka, stored here
 * so a replay reaches further back (`mdctl replay --from-db`).
 *
 * Natural keys, so a replay, a redelivery or a re-publication from this table stores nothing twice:
 * - trades: (symbol, event_time, provider, correction, trade_key). trade_key is the provider's
 *   trade id (Alpaca, Polygon, and the LEAN file connector's date:line). A correction or a
 *   cancellation is a new record with its flag, so it sits beside the print it corrects.
 * - quotes, and trades without an id: nothing in the record tells a second identical print in the
 *   same microsecond from a redelivery of the first, so the key is a hash of the content plus
 *   its ordinal among identical records of the same write (see raw-record-keys.ts for the limit).
 * event_time leads after symbol: TimescaleDB needs the time column in every unique index.
 *
 * Chunks of `chunkIntervalTicks` (a day): sized by data rate (README, Storage), segment by symbol.
 * Plain PostgreSQL: monthly range partitions (created ahead, and by the writer before a write),
 * BRIN on event_time, the primary key's b-tree on (symbol, event_time, …).
 */
export const rawMarketTablesMigration: Migration = {
  name: '0006-raw-market-tables',
  up: async ({ context }) => {
    const s = sqlIdentifier(context.options.schema);
    for (const t of TABLES) {
      await runStatements(context.db, [`CREATE SEQUENCE IF NOT EXISTS ${s}.${t.name}_arrival AS bigint`]);
      await (context.capabilities.timescale ? hypertable(context, t.name, t.columns(s)) : partitioned(context, t.name, t.columns(s)));
      await runStatements(context.db, [`ALTER SEQUENCE ${s}.${t.name}_arrival OWNED BY ${s}.${t.name}.arrival`]);
    }
  },
};

async function hypertable({ db, options, capabilities }: MigrationContext, name: string, columns: string): Promise<void> {
  await runStatements(db, timeSeriesTableDdl(sqlIdentifier(options.schema), {
    name, columns, timeColumn: 'event_time', chunkInterval: options.chunkIntervalTicks, retention: options.retention.ticks,
    compress: { segmentby: 'symbol', orderby: 'event_time DESC, arrival DESC' },
  }, capabilities, options));
}

async function partitioned({ db, options }: MigrationContext, name: string, columns: string): Promise<void> {
  const s = sqlIdentifier(options.schema);
  await runStatements(db, [
    `CREATE TABLE IF NOT EXISTS ${s}.${name} (${columns}) PARTITION BY RANGE (event_time)`,
    // Ticks arrive in time order, so block ranges follow time ranges (as for bars, 0001).
    `CREATE INDEX IF NOT EXISTS ${name}_event_time_brin ON ${s}.${name} USING brin (event_time)`,
  ]);
  for (const month of monthSpan(monthOf(new Date()), options.partitionMonthsAhead + 1)) await createMonthlyPartition(db, options.schema, name, month);
}
