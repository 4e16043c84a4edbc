// The database behind a small port (DESIGN.md, Storage): a `pg` adapter for servers
// (PostgreSQL, TimescaleDB) and, later, an in-process adapter for embedded TimescaleDB.
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** COPY … FROM STDIN of text-format chunks, where the adapter supports it (the pg adapter). */
  copyFrom?(sql: string, chunks: Iterable<string> | AsyncIterable<string>): Promise<void>;
}

/** The connections behind a Db, for the pool gauges (md_db_pool_connections). */
export interface PoolStats {
  /** Connections open now. */
  total: number;
  /** Open and not checked out. */
  idle: number;
  /** Queries or transactions queued for a connection. */
  waiting: number;
  /** The bound: the pool's max (pg), 1 for the embedded single connection. */
  max: number;
}

export interface Db extends Queryable {
  /** Which adapter: 'pg' (a server, pooled) or 'pglite' (in-process embedded, no background workers). */
  readonly kind: 'pg' | 'pglite';
  /** Runs `work` in one transaction: commit on success, roll back on any error. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
  /** Cheap, synchronous (read at every metrics scrape). */
  poolStats(): PoolStats;
  close(): Promise<void>;
}
