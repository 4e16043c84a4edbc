import { z } from 'zod';
import { SERVICE_PORTS, commonConfig } from '@md/config';

export const QualityConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['quality-monitor']),
});
export type QualityConfig = z.infer<typeof QualityConfig>;
