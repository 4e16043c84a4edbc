import type { StorageCapabilities } from './capabilities';
import type { Db, Queryable } from './db-port';

/**
 * One write of a sink: a transaction in which idempotent upserts may land in compressed chunks.
 * TimescaleDB decompresses the affected rows of a compressed chunk to apply an INSERT … ON
 * CONFLICT, and refuses an operation that decompresses more than
 * `timescaledb.max_tuples_decompressed_per_dml_transaction` rows (default 100,000; SQLSTATE 53400,
 * TimescaleDB docs "Compression: modify data"). A replay, a reprocess or a second `npm start`
 * re-upserts history that compression already packed, and one batch of long-format features
 * touches a whole segment (a symbol's rows of a chunk), far more than that. The limit is lifted
 * for the sink's own transaction only (0 = unlimited, SET LOCAL); what one transaction holds
 * stays bounded by the sink's batch size. No effect on plain PostgreSQL.
 */
export async function sinkTransaction<T>(db: Db, capabilities: StorageCapabilities, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    if (capabilities.timescale) await tx.query('SET LOCAL timescaledb.max_tuples_decompressed_per_dml_transaction = 0');
    return work(tx);
  });
}
