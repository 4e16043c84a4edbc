import { z } from 'zod';
import { SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';
import { stageConfig } from '@md/kafka';
import { pgPoolConfig } from '@md/storage';

const interval = z.string().regex(/^\d+\s+(minutes?|hours?|days?|weeks?|months?|years?)$/, 'must be an interval such as "30 days"');
const intervalOrNone = z.union([z.literal('none'), interval]).transform((v) => (v === 'none' ? null : v));

export const WriterConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['timescale-writer']),
  /**
   * PostgreSQL or TimescaleDB server, postgres://user@host:5432/db; TLS with libpq's parameters
   * (?sslmode=verify-full&sslrootcert=/ca.pem, see libs/storage README). Checked at start by
   * pgPoolConfig, whose message hides the password. Unset: embedded TimescaleDB (PGlite) in
   * EMBEDDED_DATA_DIR.
   */
  DATABASE_URL: z.string().min(1).optional(),
  /** The server's password for the URL's user, kept out of the URL (DATABASE_PASSWORD_FILE: a mounted secret). */
  DATABASE_PASSWORD: z.string().min(1).optional(),
  /** Folder of the embedded database when DATABASE_URL is unset. */
  EMBEDDED_DATA_DIR: z.string().min(1).default('.md-data/pglite'),
  /** Schema holding all tables and views (created by the migrations). */
  DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain lower-case SQL identifier').default('md'),
  /** Chunk interval of the 1-minute bars hypertable: size chunks by data rate (see README). */
  CHUNK_INTERVAL_1M: interval.default('30 days'),
  /** Compress TimescaleDB chunks older than this. */
  COMPRESS_AFTER: interval.default('7 days'),
  /** Drop 1-minute bars older than this ("none": keep forever). */
  RETENTION_BARS_1M: intervalOrNone.default('none'),
  /** Seconds between maintenance runs (refresh views; on embedded TimescaleDB also run its policy jobs). */
  MAINTENANCE_INTERVAL_SECONDS: positiveInt(60),
  /** Seconds between reads of the database's disk use (md_db_size_bytes): pg_database_size stats every file, so not per scrape. */
  DB_SIZE_INTERVAL_SECONDS: positiveInt(60),
  /**
   * The bars sink's GROUP_ID, and for all five sinks SESSION_TIMEOUT_MS, MAX_BATCH_RECORDS (rows
   * per database transaction; the offset commit follows each one) and RETRY_MAX_MS (backoff cap
   * during a database outage).
   */
  ...stageConfig({ group: 'md-timescale-writer', maxBatchRecords: 5000, retryMaxMs: 5000 }),
  /** Consumer group of the corporate-action, restatement, quality-issue and option-chain sink. */
  EVENTS_GROUP_ID: z.string().min(1).default('md-timescale-writer-events'),
  /** Consumer group of the features, intrinsic-bar, alt-data and VIX-regime sink. */
  DERIVED_GROUP_ID: z.string().min(1).default('md-timescale-writer-derived'),
  /**
   * Consumer group of the raw trade and quote sink (tables `trades`, `quotes`); default
   * md-timescale-writer-raw. A group of its own: trades come by the hundred thousand a day per
   * busy symbol, and a burst of them must never hold up bars.
   */
  RAW_GROUP_ID: z.string().min(1).default('md-timescale-writer-raw'),
  /** Consumer group of the trading sink (orders, executions, positions, signals, risk events). */
  TRADING_GROUP_ID: z.string().min(1).default('md-timescale-writer-trading'),
  /** Fetch waits for this many bytes (or FETCH_MAX_WAIT_MS) so writes are batched by size and age. */
  FETCH_MIN_BYTES: positiveInt(64 * 1024),
  /** Longest a fetch waits for FETCH_MIN_BYTES: the upper bound on a bar's wait before its write. */
  FETCH_MAX_WAIT_MS: positiveInt(250),
  /** Largest number of rows one read API call may return. */
  MAX_QUERY_ROWS: positiveInt(10_000),
}).transform((config) => {
  // TLS parameters and the password checked at boot, before Nest starts: a bad sslmode or an
  // unreadable sslrootcert is one ConfigError line (password hidden) and exit 1.
  if (config.DATABASE_URL) pgPoolConfig(config.DATABASE_URL, { password: config.DATABASE_PASSWORD });
  return config;
});
export type WriterConfig = z.infer<typeof WriterConfig>;

