import { hostname } from 'node:os';
import { z } from 'zod';
import { SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';

export const PreprocessorConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['preprocessor']),
  /** Consumer group; every instance of the stage shares it and splits the partitions. */
  GROUP_ID: z.string().min(1).default('md-preprocessor'),
  /** Stable per instance: a restarted instance with the same id fences its previous self. */
  TRANSACTIONAL_ID: z.string().min(1).default(`md-preprocessor-${hostname()}`),
  /** Upper bound on input records per Kafka transaction. */
  /** Consumer group session timeout (ms): how long partitions of a crashed instance wait before moving. */
  SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).default(30_000),
  MAX_BATCH_RECORDS: positiveInt(2000),
});
export type PreprocessorConfig = z.infer<typeof PreprocessorConfig>;
