import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool, type PoolConfig } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db, PoolStats, QueryResult, Queryable } from './db-port';
import { pgPoolConfig, type PgConnectionOptions } from './pg-connection';

/** PostgreSQL/TimescaleDB server adapter over a bounded pg Pool. */
export class PgDb implements Db {
  readonly kind = 'pg' as const;
  private readonly pool: Pool;

  /**
   * `url` with libpq's TLS parameters (pgPoolConfig): TLS files are read here, once, and a bad
   * setting throws a ConfigError before anything connects.
   */
  constructor(url: string, options: PoolConfig = {}, connection: PgConnectionOptions = {}) {
    this.pool = new Pool({ ...pgPoolConfig(url, connection), max: 4, connectionTimeoutMillis: 5000, ...options });
    // An idle client dying (server restart) must not crash the process; the next query retries.
    this.pool.on('error', () => undefined);
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    const result = await this.pool.query(sql, params);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out client has no pool error listener: a server that goes away mid-transaction
    // emits 'error' on it, which would crash the process. Mark it broken; the query rejects anyway.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        query: async <R>(sql: string, params: unknown[] = []) => {
          const r = await client.query(sql, params);
          return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
        },
        copyFrom: async (sql, chunks) => {
          await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
        },
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** node-postgres' own counters (totalCount, idleCount, waitingCount). */
  poolStats(): PoolStats {
    const { totalCount, idleCount, waitingCount, options } = this.pool;
    return { total: totalCount, idle: idleCount, waiting: waitingCount, max: options.max ?? 10 };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
