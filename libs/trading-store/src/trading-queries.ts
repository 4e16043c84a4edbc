import { sqlIdentifier, type Queryable } from '@md/storage';

// Reads of the trading tables for the read API: bounded, every value a bound parameter. Numbers
// come back as text (numeric stays exact), times as ISO strings.

export interface TradingWindow {
  from: Date;
  to: Date;
  limit: number;
  accountAlias?: string;
  symbol?: string;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const withIsoTimes = (rows: Record<string, unknown>[], fields: string[]) => rows.map((r) => ({ ...r, ...Object.fromEntries(fields.map((f) => [f, iso(r[f])])) }));

/** Orders whose latest event is in [from, to), newest first; `status` filters the state. */
export async function queryOrders(db: Queryable, schema: string, w: TradingWindow & { status?: string }): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT order_id, broker, account_alias, client_order_id, symbol, side, order_type, time_in_force, quantity::text, filled_quantity::text,
            limit_price::text, stop_price::text, average_fill_price::text, status, last_event, replaces_order_id, event_time, revision::text
       FROM ${sqlIdentifier(schema)}.orders
      WHERE event_time >= $1 AND event_time < $2 AND ($4::text IS NULL OR account_alias = $4) AND ($5::text IS NULL OR symbol = $5)
        AND ($6::text IS NULL OR status = $6)
      ORDER BY event_time DESC, order_id LIMIT $3`,
    [w.from.toISOString(), w.to.toISOString(), w.limit, w.accountAlias ?? null, w.symbol ?? null, w.status ?? null],
  );
  return withIsoTimes(rows, ['event_time']);
}

/** One order's states in order (its history) and its fills. */
export async function orderHistory(db: Queryable, schema: string, orderId: string, limit: number): Promise<{ events: Record<string, unknown>[]; executions: Record<string, unknown>[] }> {
  const s = sqlIdentifier(schema);
  const events = await db.query<Record<string, unknown>>(
    `SELECT revision::text, event, status, filled_quantity::text, average_fill_price::text, event_time FROM ${s}.order_events e
      WHERE order_id = $1 ORDER BY e.revision, e.event LIMIT $2`, [orderId, limit]);
  const fills = await db.query<Record<string, unknown>>(
    `SELECT execution_id, broker_execution_id, price::text, quantity::text, cumulative_quantity::text, execution_time FROM ${s}.executions x
      WHERE order_id = $1 ORDER BY x.cumulative_quantity LIMIT $2`, [orderId, limit]);
  return { events: withIsoTimes(events.rows, ['event_time']), executions: withIsoTimes(fills.rows, ['execution_time']) };
}

/** Fills in [from, to), newest first. */
export async function queryExecutions(db: Queryable, schema: string, w: TradingWindow): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT execution_id, broker_execution_id, broker, account_alias, order_id, symbol, side, price::text, quantity::text, cumulative_quantity::text, execution_time
       FROM ${sqlIdentifier(schema)}.executions
      WHERE execution_time >= $1 AND execution_time < $2 AND ($4::text IS NULL OR account_alias = $4) AND ($5::text IS NULL OR symbol = $5)
      ORDER BY execution_time DESC, execution_id LIMIT $3`,
    [w.from.toISOString(), w.to.toISOString(), w.limit, w.accountAlias ?? null, w.symbol ?? null],
  );
  return withIsoTimes(rows, ['execution_time']);
}

/** Current positions (closed ones only when asked), marked to the latest stored close (view positions_marked). */
export async function queryPositions(db: Queryable, schema: string, q: { accountAlias?: string; symbol?: string; includeClosed: boolean; limit: number }): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT account_alias, symbol, broker, quantity::text, average_entry_price::text, as_of, source, mark_price::text, mark_time,
            market_value::text, unrealized_pnl::text
       FROM ${sqlIdentifier(schema)}.positions_marked
      WHERE ($1::text IS NULL OR account_alias = $1) AND ($2::text IS NULL OR symbol = $2) AND ($3::boolean OR quantity <> 0)
      ORDER BY account_alias, symbol LIMIT $4`,
    [q.accountAlias ?? null, q.symbol ?? null, q.includeClosed, q.limit],
  );
  return withIsoTimes(rows, ['as_of', 'mark_time']);
}

/** Signals of a symbol in [from, to) by signal time; asOf: only those available by then. */
export async function querySignals(db: Queryable, schema: string, q: { symbol: string; from: Date; to: Date; limit: number; model?: string; asOf?: Date }): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT symbol, model, model_version, direction, strength, signal_time, features_as_of, available_time FROM ${sqlIdentifier(schema)}.signals
      WHERE symbol = $1 AND signal_time >= $2 AND signal_time < $3 AND ($5::text IS NULL OR model = $5)
        AND ($6::timestamptz IS NULL OR available_time <= $6)
      ORDER BY signal_time, model LIMIT $4`,
    [q.symbol, q.from.toISOString(), q.to.toISOString(), q.limit, q.model ?? null, q.asOf?.toISOString() ?? null],
  );
  return withIsoTimes(rows, ['signal_time', 'features_as_of', 'available_time']);
}

/** Risk events detected in [from, to), newest first, at or above a severity. */
export async function queryRiskEvents(db: Queryable, schema: string, q: { from: Date; to: Date; limit: number; type?: string; minSeverity: 'INFO' | 'WARNING' | 'CRITICAL' }): Promise<Record<string, unknown>[]> {
  const ranks = { INFO: ['INFO', 'WARNING', 'CRITICAL'], WARNING: ['WARNING', 'CRITICAL'], CRITICAL: ['CRITICAL'] };
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT type, severity, symbol, account_alias, metrics, detected_at, available_time FROM ${sqlIdentifier(schema)}.risk_events
      WHERE detected_at >= $1 AND detected_at < $2 AND ($4::text IS NULL OR type = $4) AND severity = ANY($5::text[])
      ORDER BY detected_at DESC, type, subject LIMIT $3`,
    [q.from.toISOString(), q.to.toISOString(), q.limit, q.type ?? null, ranks[q.minSeverity]],
  );
  return withIsoTimes(rows, ['detected_at', 'available_time']);
}
