import { z } from 'zod';

// Intervals are spliced into DDL (policy and chunk arguments are literals there), so only a
// plain "<count> <unit>" is accepted, never free text.
const INTERVAL = /^[1-9][0-9]{0,5} (minute|hour|day|week|month|year)s?$/;
const interval = z.string().regex(INTERVAL, 'an interval like "30 days"');
const keepFor = interval.nullable();

export const storageOptionsSchema = z.object({
  /** Schema holding every object we create (tables, views, schema_migrations): keeps us apart from anything else in the database. */
  schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain lower-case SQL identifier'),
  /**
   * Chunk size for the minute-rate hypertables (bars, features, intrinsic bars, options).
   * Size chunks by data rate, not habit: real thin-ETF minute bars in 7-day chunks compressed
   * only 1.9:1 on embedded TimescaleDB, 20 symbols in 30-day chunks 10:1 (DESIGN.md, Storage).
   */
  chunkInterval1m: interval,
  /** Chunk size for the low-rate hypertables (alt-data signals, quality issues). */
  chunkIntervalOther: interval,
  /**
   * Chunk size for raw trades and quotes: hundreds of thousands of rows per busy symbol a day (the
   * vendored SPY day of 2013 holds 241,020 trades), three orders of magnitude above minute bars,
   * so a day per chunk still gives each symbol's segment thousands of rows to compress.
   */
  chunkIntervalTicks: interval,
  /** Chunks whose newest row is older than this are compressed by the compression policy. */
  compressAfter: interval,
  /** How long to keep rows; null keeps them forever. Enforced by TimescaleDB retention policies only. */
  retention: z.object({
    /** Drops whole `bars` chunks (all timeframes stored there, in practice 1m). */
    bars1m: keepFor,
    /** Drops materialised rows of the `bars_1d` continuous aggregate. */
    barsDaily: keepFor,
    features: keepFor,
    qualityIssues: keepFor,
    /** Drops whole `trades` and `quotes` chunks. */
    ticks: keepFor,
  }),
  /** Plain PostgreSQL: monthly partitions created ahead of the current month at migration time. */
  partitionMonthsAhead: z.number().int().min(0).max(24),
  /**
   * TimescaleDB: continuous aggregates also read not-yet-materialised raw rows
   * (`materialized_only = false`), so the newest buckets are never stale. The plain
   * PostgreSQL fallback cannot do this: its materialised views are as fresh as the last refresh.
   */
  realTimeAggregates: z.boolean(),
});

export type StorageOptions = z.infer<typeof storageOptionsSchema>;

export const DEFAULT_STORAGE_OPTIONS: StorageOptions = {
  schema: 'md',
  chunkInterval1m: '30 days',
  chunkIntervalOther: '365 days',
  chunkIntervalTicks: '1 day',
  compressAfter: '7 days',
  retention: { bars1m: null, barsDaily: null, features: null, qualityIssues: null, ticks: null },
  partitionMonthsAhead: 3,
  realTimeAggregates: true,
};

/** Validates options (throws with the offending field) before any of them reaches SQL. */
export function parseStorageOptions(options: StorageOptions): StorageOptions {
  return storageOptionsSchema.parse(options);
}
