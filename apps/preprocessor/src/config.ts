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
  /** Consumer group session timeout (ms): how long partitions of a crashed instance wait before moving. */
  SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).default(30_000),
  /** Upper bound on input records per Kafka transaction. */
  MAX_BATCH_RECORDS: positiveInt(2000),
  /**
   * Bars remembered per (symbol, timeframe) to tell duplicates and corrections apart: a session
   * of minute bars by default (Alpaca sends updatedBars within a minute or so of the bar). An
   * older repeat passes on as 'late' and the sink's revision rule settles it.
   */
  REVISION_MEMORY_BARS: positiveInt(390),
  /** Hours behind a series' newest bar that are remembered, at most. */
  REVISION_MEMORY_HOURS: positiveInt(24),
});
export type PreprocessorConfig = z.infer<typeof PreprocessorConfig>;
