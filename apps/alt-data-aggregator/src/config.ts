import { z } from 'zod';
import { SERVICE_PORTS, commonConfig } from '@md/config';

export const AltDataConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['alt-data-aggregator']),
});
export type AltDataConfig = z.infer<typeof AltDataConfig>;
