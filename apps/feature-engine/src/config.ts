import { z } from 'zod';
import type { FeatureStoreOptions, RedisNode, RedisSettings } from '@md/feature-store';
import { LOCAL_STACK, SERVICE_PORTS, commonConfig, positiveInt, readPemFile, secretSource } from '@md/config';
import { transactionalStageConfig } from '@md/kafka';

const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d'] as const;

export const FeatureEngineFields = z.object({
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
  /**
   * Redis of the feature store, redis://[user:password@]host:port[/db] (rediss:// for TLS); a URL
   * with a password belongs in REDIS_URL_FILE. With REDIS_CLUSTER_NODES only its scheme and
   * credentials count.
   */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default(LOCAL_STACK.redisUrl),
  /** Redis Cluster seed nodes, host:port[,host:port…]; set: a cluster client (the rest found by CLUSTER SLOTS). Unset: the single REDIS_URL. */
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((s) => s.split(',').map((n) => n.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((n) => /^[^:\s]+:\d{1,5}$/.test(n)), 'must be host:port[,host:port…]')
    .optional(),
  /** TLS to Redis, true or false; unset: TLS when REDIS_URL is rediss://. */
  REDIS_TLS: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** PEM CA bundle that signed the Redis servers' certificates (needs TLS); unset: the system's trusted CAs. */
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  /** ACL user (Redis 6+ AUTH user password); needs a password. Takes precedence over REDIS_URL's user. */
  REDIS_USERNAME: z.string().min(1).optional(),
  /** Password of REDIS_USERNAME (or of the default user: requirepass); or REDIS_PASSWORD_FILE. Takes precedence over REDIS_URL's. */
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** Consumer group that copies md.features.v1 into Redis (its lag is how far the store is behind). */
  REDIS_GROUP_ID: z.string().min(1).default('md-feature-engine-redis'),
  /** Key prefix of the feature store. */
  FEATURE_STORE_PREFIX: z.string().min(1).default('md:features'),
  /** Seconds a (symbol, timeframe) key lives after its last write; 0 keeps keys forever. */
  FEATURE_TTL_SECONDS: z.coerce.number().int().min(0).default(7 * 24 * 3600),
  /** History entries kept per (symbol, timeframe) key. */
  FEATURE_HISTORY_LENGTH: positiveInt(390),
});
type Fields = z.infer<typeof FeatureEngineFields>;

/** REDIS_URL's parts, and REDIS_* over them: the one place both the checks and the client read. */
function redisParts(c: Fields) {
  const url = new URL(c.REDIS_URL);
  const fromUrl = (v: string) => (v ? decodeURIComponent(v) : undefined);
  return {
    url,
    tls: c.REDIS_TLS ?? url.protocol === 'rediss:',
    username: c.REDIS_USERNAME ?? fromUrl(url.username),
    password: c.REDIS_PASSWORD ?? fromUrl(url.password),
    db: Number(url.pathname.slice(1) || 0),
  };
}

/**
 * Redis settings that cannot work stop the process at start, naming the variable to fix (never
 * blaming a set secret: parseConfig prints the value of the variable it names).
 */
function checkRedis(c: Fields, ctx: z.RefinementCtx): void {
  const issue = (variable: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });
  let r: ReturnType<typeof redisParts>;
  try {
    r = redisParts(c);
  } catch {
    return issue('REDIS_URL', 'must be a redis://host:port URL');
  }
  if (c.REDIS_TLS === false && r.url.protocol === 'rediss:') issue('REDIS_TLS', 'REDIS_URL is rediss:// (TLS): unset REDIS_TLS or use a redis:// URL');
  if (c.REDIS_TLS_CA_FILE && !r.tls) issue('REDIS_TLS', 'REDIS_TLS_CA_FILE is set, so set REDIS_TLS=true (or use a rediss:// REDIS_URL)');
  if (c.REDIS_TLS_CA_FILE) {
    const ca = readPemFile(c.REDIS_TLS_CA_FILE, 'certificate');
    if (ca instanceof Error) issue('REDIS_TLS_CA_FILE', ca.message);
  }
  if (r.username && !r.password) issue('REDIS_PASSWORD', 'required when REDIS_USERNAME is set (or set REDIS_PASSWORD_FILE)');
  if (c.REDIS_CLUSTER_NODES && r.db !== 0) issue('REDIS_CLUSTER_NODES', `a Redis Cluster has database 0 only, and REDIS_URL names database ${r.db}`);
}

/** The feature-engine's config; the Redis settings are checked together (checkRedis). */
export const FeatureEngineConfig = FeatureEngineFields.superRefine(checkRedis);
export type FeatureEngineConfig = z.infer<typeof FeatureEngineConfig>;

const node = (hostPort: string): RedisNode => {
  const at = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) };
};

/** The Redis client's settings from a checked config (the CA file is read here). */
export function redisSettings(c: FeatureEngineConfig, env: NodeJS.ProcessEnv = process.env): RedisSettings {
  const r = redisParts(c);
  const settings: RedisSettings = {
    node: { host: r.url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(r.url.port || 6379), db: r.db },
    clusterNodes: (c.REDIS_CLUSTER_NODES ?? []).map(node),
    username: r.username,
    password: r.password,
  };
  // REDIS_PASSWORD_FILE is followed: the client reads `password` at each (re)connect (createRedisClient).
  const password = secretSource('REDIS_PASSWORD', c.REDIS_PASSWORD, env);
  if (password) Object.defineProperty(settings, 'password', { get: password, enumerable: true });
  if (r.tls) settings.tls = { ca: c.REDIS_TLS_CA_FILE ? (readPemFile(c.REDIS_TLS_CA_FILE, 'certificate') as string) : undefined };
  return settings;
}

/** The feature store's options from the config (the sink writes and the read API reads with them). */
export function storeOptions(c: FeatureEngineConfig): FeatureStoreOptions {
  return { prefix: c.FEATURE_STORE_PREFIX, ttlSeconds: c.FEATURE_TTL_SECONDS, historyLength: c.FEATURE_HISTORY_LENGTH };
}
