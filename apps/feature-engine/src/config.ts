import { hostname } from 'node:os';
import { z } from 'zod';
import { LOCAL_STACK, SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';

const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d'] as const;

export const FeatureEngineConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['feature-engine']),
  /** Consumer group of the compute stage (md.bars.v1, md.raw.trades.v1); instances split the partitions. */
  GROUP_ID: z.string().min(1).default('md-feature-engine'),
  /** Stable per instance: a restarted instance with the same id fences its previous self. */
  TRANSACTIONAL_ID: z.string().min(1).default(`md-feature-engine-${hostname()}`),
  /** Consumer group session timeout (ms): how long partitions of a crashed instance wait before moving. */
  SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).default(30_000),
  /** Upper bound on input records per Kafka transaction. */
  MAX_BATCH_RECORDS: positiveInt(2000),
  /** Timeframes to compute features on: 1m from md.bars.v1, coarser ones resampled from it along the session. */
  FEATURE_TIMEFRAMES: z
    .string()
    .default('1m,5m,15m,1h,1d')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(TIMEFRAMES)).min(1)),
  /** Which bars feed the features: the regular session only (default), or every bar the feed has (extended hours too). */
  FEATURE_SESSIONS: z.enum(['regular', 'all']).default('regular'),
  /** Optional JSON file with the feature set and per-symbol/timeframe overrides; the built-in default-v1 set otherwise. */
  FEATURE_SET_FILE: z.string().min(1).optional(),
  /** Optional JSON file with the intrinsic bar builders (kind and thresholds); none are built otherwise. */
  INTRINSIC_BARS_FILE: z.string().min(1).optional(),
  /** Redis of the feature store. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default(LOCAL_STACK.redisUrl),
  /** Consumer group that copies md.features.v1 into Redis (its lag is how far the store is behind). */
  REDIS_GROUP_ID: z.string().min(1).default('md-feature-engine-redis'),
  /** Key prefix of the feature store. */
  FEATURE_STORE_PREFIX: z.string().min(1).default('md:features'),
  /** Seconds a (symbol, timeframe) key lives after its last write; 0 keeps keys forever. */
  FEATURE_TTL_SECONDS: z.coerce.number().int().min(0).default(7 * 24 * 3600),
  /** History entries kept per (symbol, timeframe) key. */
  FEATURE_HISTORY_LENGTH: positiveInt(390),
  /** Cap of the retry backoff while Redis is down, in milliseconds. */
  RETRY_MAX_MS: positiveInt(5000),
});
export type FeatureEngineConfig = z.infer<typeof FeatureEngineConfig>;
