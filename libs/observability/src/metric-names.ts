// Metric names, declared once, with units in the name (STYLE.md habit 8). Dashboards and
// alert rules refer to these strings; a test checks the services export them.
export const METRICS = {
  recordsIn: 'md_records_in_total',
  recordsOut: 'md_records_out_total',
  recordsRejected: 'md_records_rejected_total',
  batchDuration: 'md_batch_duration_seconds',
  retries: 'md_retries_total',
  pausedPartitions: 'md_paused_partitions',
  ready: 'md_ready',
} as const;
