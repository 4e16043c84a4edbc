import { z } from 'zod';
import type { FeatureStoreOptions } from '@md/feature-store';
import { LOCAL_STACK, SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';
import { transactionalStageConfig } from '@md/kafka';

const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d'] as const;

export const FeatureEngineConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['feature-engine']),
  /**
   * The compute stage (md.bars.v1, md.raw.trades.v1): GROUP_ID (instances split the partitions),
   * TRANSACTIONAL_ID, SESSION_TIMEOUT_MS, MAX_BATCH_RECORDS (per Kafka transaction) and RETRY_MAX_MS
   * (also the Redis sink's backoff cap while Redis is down).
   */
  ...transactionalStageConfig({ group: 'md-feature-engine', maxBatchRecords: 2000, retryMaxMs: 5000 }),
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
});
export type FeatureEngineConfig = z.infer<typeof FeatureEngineConfig>;

/** The feature store's options from the config (the sink writes and the read API reads with them). */
export function storeOptions(c: FeatureEngineConfig): FeatureStoreOptions {
  return { prefix: c.FEATURE_STORE_PREFIX, ttlSeconds: c.FEATURE_TTL_SECONDS, historyLength: c.FEATURE_HISTORY_LENGTH };
}
