import type { FeatureStoreOptions } from '@md/feature-store';
import type { FeatureEngineConfig } from './config';

export function storeOptions(c: FeatureEngineConfig): FeatureStoreOptions {
  return { prefix: c.FEATURE_STORE_PREFIX, ttlSeconds: c.FEATURE_TTL_SECONDS, historyLength: c.FEATURE_HISTORY_LENGTH };
}
