import { Logger } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import { METRICS } from './metric-names';

/** A database's connections as the pool gauges show them (the shape of @md/storage's PoolStats). */
export interface PoolSnapshot {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface DbMetricsSource {
  /** Read at each scrape; undefined while the database is not open. */
  pool(): PoolSnapshot | undefined;
  /** Bytes of the database and of the service's schema; may be costly, so it runs on the timer. */
  sizes(): Promise<{ database: number; schema: number }>;
  /** Between size refreshes. */
  intervalMs: number;
}

/** Until the first size is read (the database may still be opening or migrating), retry this often. */
const FIRST_READ_RETRY_MS = 1000;

/**
 * What an operator watches of a service's database: md_db_pool_connections{state=in_use|idle|waiting}
 * and md_db_pool_max_connections read from the pool at each scrape (cheap counters), and
 * md_db_size_bytes{scope=database|schema} refreshed on a timer (pg_database_size stats every file),
 * with md_db_size_refreshed_timestamp_seconds so a value that stopped refreshing is visible.
 */
export class DbMetrics {
  private readonly logger = new Logger(DbMetrics.name);
  private readonly size: Gauge<'scope'>;
  private readonly refreshed: Gauge;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastFailure?: string;
  private everRead = false;

  constructor(registry: Registry, private readonly source: DbMetricsSource) {
    const registers = [registry];
    new Gauge({
      name: METRICS.dbPoolConnections,
      help: 'Database connections in use (checked out by a query or transaction) and idle, and requests waiting for one. Embedded database: one connection, busy or not.',
      labelNames: ['state'], registers,
      collect() {
        const p = source.pool();
        if (!p) return;
        this.set({ state: 'in_use' }, p.total - p.idle);
        this.set({ state: 'idle' }, p.idle);
        this.set({ state: 'waiting' }, p.waiting);
      },
    });
    new Gauge({
      name: METRICS.dbPoolMaxConnections, help: 'The pool\'s bound on connections (1 for the embedded database).', registers,
      collect() {
        const p = source.pool();
        if (p) this.set(p.max);
      },
    });
    this.size = new Gauge({ name: METRICS.dbSize, help: 'Bytes on disk of the whole database and of the service\'s schema (indexes, TOAST and TimescaleDB chunks included), refreshed on a timer.', labelNames: ['scope'], registers });
    this.refreshed = new Gauge({ name: METRICS.dbSizeRefreshed, help: 'When md_db_size_bytes was last read, Unix seconds.', registers });
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Reads the sizes now; a failure is logged once per distinct reason (not while the database is still opening) and retried. */
  async refresh(): Promise<boolean> {
    try {
      const { database, schema } = await this.source.sizes();
      this.size.set({ scope: 'database' }, database);
      this.size.set({ scope: 'schema' }, schema);
      this.refreshed.set(Date.now() / 1000);
      this.everRead = true;
      this.lastFailure = undefined;
      return true;
    } catch (err) {
      const reason = (err as Error).message;
      if (this.everRead && reason !== this.lastFailure) this.logger.warn(`cannot read the database size, retrying: ${reason}`);
      this.lastFailure = reason;
      return false;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh().then(() => this.schedule(this.everRead ? this.source.intervalMs : Math.min(FIRST_READ_RETRY_MS, this.source.intervalMs)));
    }, delayMs);
    this.timer.unref();
  }
}
