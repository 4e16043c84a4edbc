import { z } from 'zod';
import { SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';
import { BAR_PARTITIONS } from '@md/contracts';
import { transactionalStageConfig } from '@md/kafka';

/** The fields without the cross-field check: what the reprocess job extends (it keeps no revision memory). */
export const PreprocessorFields = z.object({
  ...commonConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['preprocessor']),
  /** GROUP_ID, TRANSACTIONAL_ID, SESSION_TIMEOUT_MS, MAX_BATCH_RECORDS (per Kafka transaction), RETRY_MAX_MS. */
  ...transactionalStageConfig({ group: 'md-preprocessor', maxBatchRecords: 2000 }),
  /**
   * NYSE trading days of passed-on bar versions remembered per (symbol, timeframe), counted back
   * from the series' newest bar: a repeat within them is dropped (a re-sent file, a REST backfill
   * overlapping the stream), an older one passes on as 'late' and the sink's revision rule
   * settles it. A week by default.
   */
  REVISION_MEMORY_DAYS: positiveInt(5),
  /**
   * Bar versions remembered per series at most: 10,080 is 7 calendar days of 24-hour minute bars,
   * the most that 5 trading days span. Past it the oldest are forgotten early
   * (md_preprocessor_revision_evictions_total{reason="series_cap"}).
   */
  REVISION_MEMORY_MAX_BARS: positiveInt(10_080),
  /**
   * Bar versions remembered over all series (~11 bytes each in the state changelog and in memory,
   * so ~33 MB by default; every instance restores the whole changelog). Each input partition gets
   * an equal share; past it the least recently decided series of the partition is forgotten whole
   * ({reason="total_cap"}) and its repeats pass on as new.
   */
  REVISION_MEMORY_MAX_ENTRIES: positiveInt(3_000_000),
  /**
   * Bar versions whose values are held in process memory (~250 bytes each, so ~25 MB by default)
   * so that a `bar_revised` issue names the values a revision replaced; older ones are named
   * unknown (the writer's `bar_revisions` table has them).
   */
  REVISION_EVIDENCE_MAX_BARS: positiveInt(100_000),
});

/** The preprocessor's config; a series' cap must fit in a partition's share of the total. */
export const PreprocessorConfig = PreprocessorFields.superRefine((c, ctx) => {
  if (c.REVISION_MEMORY_MAX_BARS * BAR_PARTITIONS > c.REVISION_MEMORY_MAX_ENTRIES) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom, path: ['REVISION_MEMORY_MAX_ENTRIES'],
      message: `must be at least REVISION_MEMORY_MAX_BARS x ${BAR_PARTITIONS} partitions (${c.REVISION_MEMORY_MAX_BARS * BAR_PARTITIONS}): each partition's share holds at least one full series`,
    });
  }
});
export type PreprocessorConfig = z.infer<typeof PreprocessorConfig>;
