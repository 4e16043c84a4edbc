import type { ExecutionRecord, OrderEventRecord, PositionRecord, RiskEventRecord, SignalRecord } from '@md/contracts';
import { sqlIdentifier, toIso, type Queryable } from '@md/storage';

// Idempotent sinks of the trading topics (migration 0012). Each statement takes a whole batch
// (unnest), as the bars sink does: a replay of a day's orders writes the same rows again.

const col = <T, V>(rows: readonly T[], f: (r: T) => V): V[] => rows.map(f);
const isoOrNull = (us: number | null) => (us === null ? null : toIso(us));

/** Highest revision per order within the batch: ON CONFLICT touches a row once per statement. */
function latestPerOrder(events: readonly OrderEventRecord[]): OrderEventRecord[] {
  const latest = new Map<string, OrderEventRecord>();
  for (const e of events) {
    const seen = latest.get(e.orderId);
    if (!seen || e.revision > seen.revision) latest.set(e.orderId, e);
  }
  return [...latest.values()];
}

/**
 * Every event into `order_events` (its history; a replayed event is already there), and the
 * latest into `orders`, replacing the stored state only with a strictly higher revision: a REST
 * snapshot read after a reconnect never rolls back a later stream event.
 */
export async function upsertOrders(db: Queryable, events: readonly OrderEventRecord[], schema = 'md'): Promise<void> {
  if (!events.length) return;
  const s = sqlIdentifier(schema);
  await db.query(
    `INSERT INTO ${s}.order_events (order_id, revision, event, status, filled_quantity, average_fill_price, event_time, ingest_time)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::timestamptz[], $8::timestamptz[])
     ON CONFLICT DO NOTHING`,
    [col(events, (e) => e.orderId), col(events, (e) => e.revision), col(events, (e) => e.event), col(events, (e) => e.status), col(events, (e) => e.filledQuantity),
      col(events, (e) => e.averageFillPrice), col(events, (e) => toIso(e.eventTime)), col(events, (e) => toIso(e.ingestTime))],
  );
  const rows = latestPerOrder(events);
  await db.query(
    `INSERT INTO ${s}.orders AS o (order_id, broker, account_alias, client_order_id, symbol, side, order_type, time_in_force, quantity, filled_quantity,
        limit_price, stop_price, average_fill_price, status, last_event, replaces_order_id, event_time, revision, ingest_time)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::numeric[],
        $11::numeric[], $12::numeric[], $13::numeric[], $14::text[], $15::text[], $16::text[], $17::timestamptz[], $18::bigint[], $19::timestamptz[])
     ON CONFLICT (order_id) DO UPDATE SET
       client_order_id = EXCLUDED.client_order_id, quantity = EXCLUDED.quantity, filled_quantity = EXCLUDED.filled_quantity,
       limit_price = EXCLUDED.limit_price, stop_price = EXCLUDED.stop_price, average_fill_price = EXCLUDED.average_fill_price,
       status = EXCLUDED.status, last_event = EXCLUDED.last_event, replaces_order_id = COALESCE(EXCLUDED.replaces_order_id, o.replaces_order_id),
       time_in_force = EXCLUDED.time_in_force, event_time = EXCLUDED.event_time, revision = EXCLUDED.revision, ingest_time = EXCLUDED.ingest_time, stored_at = now()
     WHERE EXCLUDED.revision > o.revision`,
    [col(rows, (e) => e.orderId), col(rows, (e) => e.broker), col(rows, (e) => e.accountAlias), col(rows, (e) => e.clientOrderId), col(rows, (e) => e.symbol),
      col(rows, (e) => e.side), col(rows, (e) => e.orderType), col(rows, (e) => e.timeInForce), col(rows, (e) => e.quantity), col(rows, (e) => e.filledQuantity),
      col(rows, (e) => e.limitPrice), col(rows, (e) => e.stopPrice), col(rows, (e) => e.averageFillPrice), col(rows, (e) => e.status), col(rows, (e) => e.event),
      col(rows, (e) => e.replacesOrderId), col(rows, (e) => toIso(e.eventTime)), col(rows, (e) => e.revision), col(rows, (e) => toIso(e.ingestTime))],
  );
}

/** One row per execution id; the same fill read again (stream and REST, a replay) adds nothing. */
export async function insertExecutions(db: Queryable, fills: readonly ExecutionRecord[], schema = 'md'): Promise<void> {
  if (!fills.length) return;
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.executions (execution_id, broker_execution_id, broker, account_alias, order_id, symbol, side, price, quantity,
        cumulative_quantity, execution_time, ingest_time)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[],
        $10::numeric[], $11::timestamptz[], $12::timestamptz[])
     ON CONFLICT (execution_id) DO NOTHING`,
    [col(fills, (f) => f.executionId), col(fills, (f) => f.brokerExecutionId), col(fills, (f) => f.broker), col(fills, (f) => f.accountAlias), col(fills, (f) => f.orderId),
      col(fills, (f) => f.symbol), col(fills, (f) => f.side), col(fills, (f) => f.price), col(fills, (f) => f.quantity), col(fills, (f) => f.cumulativeQuantity),
      col(fills, (f) => toIso(f.executionTime)), col(fills, (f) => toIso(f.ingestTime))],
  );
}

/**
 * Positions by (account, symbol), replaced by a snapshot at least as recent (`positions_marked`
 * values them). Quantity 0 is kept as a closed position (its history stays readable).
 */
export async function upsertPositions(db: Queryable, positions: readonly PositionRecord[], schema = 'md'): Promise<void> {
  const latest = new Map<string, PositionRecord>();
  for (const p of positions) {
    const key = `${p.accountAlias}|${p.symbol}`;
    if (!latest.has(key) || p.asOf >= latest.get(key)!.asOf) latest.set(key, p);
  }
  const rows = [...latest.values()];
  if (!rows.length) return;
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.positions AS p (account_alias, symbol, broker, quantity, average_entry_price, as_of, source)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::timestamptz[], $7::text[])
     ON CONFLICT (account_alias, symbol) DO UPDATE SET broker = EXCLUDED.broker, quantity = EXCLUDED.quantity,
       average_entry_price = EXCLUDED.average_entry_price, as_of = EXCLUDED.as_of, source = EXCLUDED.source, updated_at = now()
     WHERE EXCLUDED.as_of >= p.as_of`,
    [col(rows, (p) => p.accountAlias), col(rows, (p) => p.symbol), col(rows, (p) => p.broker), col(rows, (p) => p.quantity),
      col(rows, (p) => p.averageEntryPrice), col(rows, (p) => toIso(p.asOf)), col(rows, (p) => p.source)],
  );
}

/** Signals by (symbol, model, signalTime); a republished signal replaces the stored one. */
export async function upsertSignals(db: Queryable, signals: readonly SignalRecord[], schema = 'md'): Promise<void> {
  const rows = [...new Map(signals.map((x) => [`${x.symbol}|${x.model}|${x.signalTime}`, x])).values()];
  if (!rows.length) return;
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.signals (symbol, model, signal_time, direction, strength, model_version, features_as_of, available_time)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::float8[], $6::text[], $7::timestamptz[], $8::timestamptz[])
     ON CONFLICT (symbol, model, signal_time) DO UPDATE SET direction = EXCLUDED.direction, strength = EXCLUDED.strength,
       model_version = EXCLUDED.model_version, features_as_of = EXCLUDED.features_as_of, available_time = EXCLUDED.available_time, stored_at = now()`,
    [col(rows, (x) => x.symbol), col(rows, (x) => x.model), col(rows, (x) => toIso(x.signalTime)), col(rows, (x) => x.direction), col(rows, (x) => x.strength),
      col(rows, (x) => x.modelVersion), col(rows, (x) => toIso(x.featuresAsOf)), col(rows, (x) => toIso(x.availableTime))],
  );
}

/** The subject of a risk event: its symbol, else its account, else the whole platform ('*'). */
export const riskSubject = (e: RiskEventRecord): string => e.symbol ?? (e.accountAlias ? `account:${e.accountAlias}` : '*');

/** Risk events by (type, subject, detectedAt, metrics); the same event again (a replay) adds nothing. */
export async function insertRiskEvents(db: Queryable, events: readonly RiskEventRecord[], schema = 'md'): Promise<void> {
  if (!events.length) return;
  await db.query(
    `INSERT INTO ${sqlIdentifier(schema)}.risk_events (type, subject, detected_at, severity, symbol, account_alias, metrics, available_time)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[])
     ON CONFLICT DO NOTHING`,
    [col(events, (e) => e.type), col(events, riskSubject), col(events, (e) => toIso(e.detectedAt)), col(events, (e) => e.severity), col(events, (e) => e.symbol),
      col(events, (e) => e.accountAlias), col(events, (e) => e.metrics), col(events, (e) => isoOrNull(e.availableTime))],
  );
}
