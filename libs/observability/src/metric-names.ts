// Metric names, declared once, with units in the name (STYLE.md habit 8). Dashboards and
// alert rules refer to these strings; a test checks the services export them.
export const METRICS = {
  recordsIn: 'md_records_in_total',
  recordsOut: 'md_records_out_total',
  recordsRejected: 'md_records_rejected_total',
  batchDuration: 'md_batch_duration_seconds',
  retries: 'md_retries_total',
  pausedPartitions: 'md_paused_partitions',
  barDecisions: 'md_preprocessor_bar_decisions_total',
  restatements: 'md_preprocessor_restatements_total',
  qualityIssues: 'md_quality_issues_total',
  qualityCompleteness: 'md_quality_completeness_ratio',
  qualityFreshness: 'md_quality_freshness_seconds',
  qualityMissingBars: 'md_quality_missing_bars_total',
  qualitySessionOpen: 'md_quality_session_open',
  qualityRestatedSkipped: 'md_quality_restated_bars_skipped_total',
  featureStoreWrites: 'md_feature_store_writes_total',
  featureStoreReads: 'md_feature_store_reads_total',
  featureStoreStaleness: 'md_feature_store_staleness_seconds',
  featuresComputed: 'md_features_computed_total',
  intrinsicBars: 'md_intrinsic_bars_total',
} as const;
