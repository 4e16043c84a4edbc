import { z } from 'zod';
import { SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';
import { transactionalStageConfig } from '@md/kafka';

/** "DBB=30,XYZ=10" -> { DBB: 30, XYZ: 10 }: per-symbol overrides of a threshold. */
const perSymbol = z
  .string()
  .regex(/^([A-Z][A-Z0-9.\-/]{0,20}=\d+)(,[A-Z][A-Z0-9.\-/]{0,20}=\d+)*$/, 'must be SYMBOL=number pairs separated by commas, e.g. DBB=30,XYZ=10')
  .transform((v) => Object.fromEntries(v.split(',').map((p) => p.split('=')).map(([s, n]) => [s, Number(n)])) as Record<string, number>);

export const QualityConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['quality-monitor']),
  /** GROUP_ID (instances split the symbols), TRANSACTIONAL_ID, SESSION_TIMEOUT_MS, MAX_BATCH_RECORDS (per Kafka transaction), RETRY_MAX_MS. */
  ...transactionalStageConfig({ group: 'md-quality-monitor', maxBatchRecords: 2000 }),
  /**
   * A run of empty session minutes is missing data when its probability under the symbol's learned
   * trade profile is below 1 / (this x 390): at most one false alarm per this many trading days
   * per stream if the profile were exact. No per-symbol setting: each stream learns its own.
   */
  MISSING_BARS_FALSE_ALARM_DAYS: positiveInt(1000),
  /** Deprecated: a fixed quiet-gap rule (runs longer than this many minutes) instead of the learned profile, for every symbol. */
  QUIET_GAP_MINUTES: z.coerce.number().int().min(0).optional(),
  /** Deprecated: the fixed quiet-gap rule for some symbols only, e.g. DBB=30 (others keep the learned profile). */
  QUIET_GAP_MINUTES_BY_SYMBOL: perSymbol.optional(),
  /** Price outlier threshold in robust standard deviations (1.4826 x MAD of log returns). */
  OUTLIER_SIGMAS: z.coerce.number().positive().default(10),
  /** A 15-minute bucket whose ln(1 + volume) is this many robust sigmas above its median over recent sessions is an anomaly. */
  VOLUME_ANOMALY_SIGMAS: z.coerce.number().positive().default(3.6),
  /** Deprecated: a fixed rule, volume above this multiple of the bucket's median, instead of VOLUME_ANOMALY_SIGMAS. */
  VOLUME_ANOMALY_MULTIPLE: z.coerce.number().positive().optional(),
  /** Buckets whose median volume is below this are not judged (block prints in a thin ETF). */
  VOLUME_MIN_MEDIAN: z.coerce.number().min(0).default(1),
  /** Two providers' closes further apart than this (basis points of their mean) disagree. */
  PROVIDER_TOLERANCE_BPS: z.coerce.number().positive().default(10),
  /** No new bar for this long while the regular session is open is stale data. */
  STALE_AFTER_SECONDS: positiveInt(300),
  /** How often staleness and freshness are evaluated against the wall clock. */
  STALE_CHECK_SECONDS: positiveInt(15),
  /** Streams whose newest bar is older than this are replays of history, not live feeds: no staleness. */
  STALE_IGNORE_AFTER_HOURS: positiveInt(72),
  /** Base URL of the timescale-writer's read API, where GET /v1/quality/report is served. */
  READ_API_URL: z.string().url('must be a URL such as http://127.0.0.1:3105').default(`http://127.0.0.1:${SERVICE_PORTS['timescale-writer']}`),
});
export type QualityConfig = z.infer<typeof QualityConfig>;
