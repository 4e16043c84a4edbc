import { z } from 'zod';
import { LOCAL_STACK, SERVICE_PORTS, commonConfig } from '@md/config';

export const FeatureEngineConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['feature-engine']),
  /** Redis of the feature store. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default(LOCAL_STACK.redisUrl),
});
export type FeatureEngineConfig = z.infer<typeof FeatureEngineConfig>;
