import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';

/**
 * Trading records (issue 17): orders (latest state) and order_events (every state, the history),
 * executions ("trades" in the requirements), positions (and `positions_marked`, the view that
 * values them at the latest stored bar close), signals and risk events. Ordinary tables in both layouts: an account has thousands of rows a
 * day, not millions, and each is looked up by its id or by symbol and time. Prices numeric(20,8)
 * as bars; market value and P&L numeric(28,8), since quantity x price can pass 10^12.
 */
export const tradingTablesMigration: Migration = {
  name: '0012-trading-tables',
  up: async ({ context: { db, options } }) => {
    const s = sqlIdentifier(options.schema);
    const price = 'numeric(20,8)';
    await runStatements(db, [
      `CREATE TABLE IF NOT EXISTS ${s}.orders (
         order_id text PRIMARY KEY, broker text NOT NULL, account_alias text NOT NULL, client_order_id text, symbol text NOT NULL,
         side text NOT NULL, order_type text NOT NULL, time_in_force text, quantity ${price} NOT NULL, filled_quantity ${price} NOT NULL,
         limit_price ${price}, stop_price ${price}, average_fill_price ${price}, status text NOT NULL, last_event text NOT NULL,
         replaces_order_id text, event_time timestamptz NOT NULL, revision bigint NOT NULL, ingest_time timestamptz NOT NULL,
         stored_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX IF NOT EXISTS orders_account_time ON ${s}.orders (account_alias, event_time DESC)`,
      `CREATE TABLE IF NOT EXISTS ${s}.order_events (
         order_id text NOT NULL, revision bigint NOT NULL, event text NOT NULL, status text NOT NULL,
         filled_quantity ${price} NOT NULL, average_fill_price ${price}, event_time timestamptz NOT NULL, ingest_time timestamptz NOT NULL,
         PRIMARY KEY (order_id, revision, event))`,
      `CREATE TABLE IF NOT EXISTS ${s}.executions (
         execution_id text PRIMARY KEY, broker_execution_id text, broker text NOT NULL, account_alias text NOT NULL, order_id text NOT NULL,
         symbol text NOT NULL, side text NOT NULL, price ${price} NOT NULL, quantity ${price} NOT NULL, cumulative_quantity ${price} NOT NULL,
         execution_time timestamptz NOT NULL, ingest_time timestamptz NOT NULL, stored_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX IF NOT EXISTS executions_order ON ${s}.executions (order_id)`,
      `CREATE INDEX IF NOT EXISTS executions_account_time ON ${s}.executions (account_alias, execution_time DESC)`,
      `CREATE TABLE IF NOT EXISTS ${s}.positions (
         account_alias text NOT NULL, symbol text NOT NULL, broker text NOT NULL, quantity ${price} NOT NULL,
         average_entry_price ${price} NOT NULL, as_of timestamptz NOT NULL, source text NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (account_alias, symbol))`,
      // Marked when read, at the latest stored raw 1-minute close (entry prices are raw): a new bar
      // moves every position at once, and nothing derived is stored. One index probe per position.
      `CREATE OR REPLACE VIEW ${s}.positions_marked AS
       SELECT p.account_alias, p.symbol, p.broker, p.quantity, p.average_entry_price, p.as_of, p.source, p.updated_at,
              b.close AS mark_price, b.time AS mark_time,
              round(p.quantity * b.close, 8)::numeric(28,8) AS market_value,
              round(p.quantity * (b.close - p.average_entry_price), 8)::numeric(28,8) AS unrealized_pnl
         FROM ${s}.positions p
         LEFT JOIN LATERAL (SELECT close, time FROM ${s}.bars b WHERE b.symbol = p.symbol AND b.timeframe = '1m' ORDER BY time DESC LIMIT 1) b ON true`,
      `CREATE TABLE IF NOT EXISTS ${s}.signals (
         symbol text NOT NULL, model text NOT NULL, signal_time timestamptz NOT NULL, direction text NOT NULL, strength double precision NOT NULL,
         model_version text NOT NULL, features_as_of timestamptz NOT NULL, available_time timestamptz NOT NULL,
         stored_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (symbol, model, signal_time))`,
      `CREATE TABLE IF NOT EXISTS ${s}.risk_events (
         type text NOT NULL, subject text NOT NULL, detected_at timestamptz NOT NULL, severity text NOT NULL,
         symbol text, account_alias text, metrics jsonb NOT NULL, available_time timestamptz NOT NULL)`,
      // Identity: what was raised, about what, when, and the numbers: two findings of one symbol
      // revealed by the same bar are two rows; the same finding replayed is one.
      `CREATE UNIQUE INDEX IF NOT EXISTS risk_events_identity ON ${s}.risk_events (type, subject, detected_at, md5(metrics::text))`,
      `CREATE INDEX IF NOT EXISTS risk_events_time ON ${s}.risk_events (detected_at DESC)`,
    ]);
  },
};
