import type { Db, Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

/** The next offset of one topic partition that a sink has not stored yet. */
export interface PartitionOffset {
  partition: number;
  offset: string;
}

/**
 * Records, inside the transaction that stores a chunk, that the chunk's topic partition is stored
 * up to `nextOffset`. GREATEST: a chunk read again after a rebalance (its rows already stored,
 * idempotently) never moves the mark back.
 */
export async function recordSinkOffset(tx: Queryable, schema: string, groupId: string, topic: string, partition: number, nextOffset: string): Promise<void> {
  const s = sqlIdentifier(schema);
  await tx.query(
    `INSERT INTO ${s}.sink_offsets AS o (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, $4::bigint)
     ON CONFLICT (group_id, topic, partition) DO UPDATE
       SET next_offset = GREATEST(o.next_offset, EXCLUDED.next_offset), updated_at = now()`,
    [groupId, topic, partition, nextOffset],
  );
}

/** The stored marks of a group on a topic, by partition. */
export async function sinkOffsets(db: Queryable, schema: string, groupId: string, topic: string): Promise<PartitionOffset[]> {
  const { rows } = await db.query<{ partition: number; offset: string }>(
    `SELECT partition, next_offset::text AS offset FROM ${sqlIdentifier(schema)}.sink_offsets WHERE group_id = $1 AND topic = $2 ORDER BY partition`,
    [groupId, topic],
  );
  return rows.map((r) => ({ partition: Number(r.partition), offset: r.offset }));
}

/** A stored bar in md.bars.v1's own shape (times as UTC micros, decimals as text), for a snapshot. */
export interface SnapshotBar {
  symbol: string;
  timeframe: string;
  provider: string;
  eventTime: number;
  ingestTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: number;
  tradeCount: number | null;
  vwap: string | null;
  revision: number;
  session: string;
  splitFactor: number;
  dividendFactor: number;
  generation: number;
}

export interface BarsSnapshotQuery {
  groupId: string;
  topic: string;
  symbol: string;
  timeframe: string;
  from: Date;
  to: Date;
  limit: number;
}

export interface BarsSnapshot {
  /** Per partition: every record before it is in `bars` (or was dead-lettered); tail from here. */
  offsets: PartitionOffset[];
  bars: SnapshotBar[];
}

// extract(epoch …) is numeric since PostgreSQL 14, so the micros are exact.
const micros = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;

/**
 * Stored bars as they were when the offsets were read: one REPEATABLE READ transaction (PostgreSQL
 * docs, 13.2.2: every statement sees the snapshot taken at the transaction's first query), so the
 * rows are exactly the records before those offsets, at their latest revision.
 */
export async function barsSnapshot(db: Db, schema: string, q: BarsSnapshotQuery): Promise<BarsSnapshot> {
  const s = sqlIdentifier(schema);
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const offsets = await sinkOffsets(tx, schema, q.groupId, q.topic);
    const { rows } = await tx.query<Record<string, string | number | null>>(
      `SELECT symbol, timeframe, provider, ${micros('time')} AS event_time, ${micros('ingest_time')} AS ingest_time,
              open::text, high::text, low::text, close::text, volume::text, trade_count::text, vwap::text,
              revision::text, session, split_factor, dividend_factor, generation::text
         FROM ${s}.bars WHERE symbol = $1 AND timeframe = $2 AND time >= $3::timestamptz AND time < $4::timestamptz
        ORDER BY time LIMIT $5`,
      [q.symbol, q.timeframe, q.from.toISOString(), q.to.toISOString(), q.limit],
    );
    return { offsets, bars: rows.map(toSnapshotBar) };
  });
}

function toSnapshotBar(r: Record<string, string | number | null>): SnapshotBar {
  return {
    symbol: String(r.symbol), timeframe: String(r.timeframe), provider: String(r.provider),
    eventTime: Number(r.event_time), ingestTime: Number(r.ingest_time),
    open: String(r.open), high: String(r.high), low: String(r.low), close: String(r.close),
    volume: Number(r.volume), tradeCount: r.trade_count === null ? null : Number(r.trade_count), vwap: r.vwap === null ? null : String(r.vwap),
    revision: Number(r.revision), session: String(r.session), splitFactor: Number(r.split_factor), dividendFactor: Number(r.dividend_factor),
    generation: Number(r.generation),
  };
}
