import { z } from 'zod';
import { SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';
import { transactionalStageConfig } from '@md/kafka';

export const PreprocessorConfig = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['preprocessor']),
  /** GROUP_ID, TRANSACTIONAL_ID, SESSION_TIMEOUT_MS, MAX_BATCH_RECORDS (per Kafka transaction), RETRY_MAX_MS. */
  ...transactionalStageConfig({ group: 'md-preprocessor', maxBatchRecords: 2000 }),
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
