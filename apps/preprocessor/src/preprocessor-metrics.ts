import { Counter, Gauge } from 'prom-client';
import { METRICS, StageMetrics } from '@md/observability';

/** The duplicate memory's metric names (revision-memory.ts), declared once with their units. */
export const REVISION_MEMORY_METRICS = {
  entries: 'md_preprocessor_revision_entries',
  series: 'md_preprocessor_revision_series',
  evictions: 'md_preprocessor_revision_evictions_total',
} as const;

/** How big the duplicate memory is, and what it forgot and why. */
export interface RevisionMetrics {
  entries: Gauge;
  series: Gauge;
  evictions: Counter<'reason'>;
}

/** What the preprocessor decided about each bar, and the restatements it published. */
export class PreprocessorMetrics {
  readonly decisions: Counter<'decision'>;
  readonly restatements: Counter<'symbol'>;
  readonly revisions: RevisionMetrics;

  constructor(stage: StageMetrics) {
    const registers = [stage.registry];
    this.decisions = new Counter({
      name: METRICS.barDecisions,
      help: 'Bars by revision decision: new, revision and late pass on; duplicate and stale are dropped (counted here); conflict is dead-lettered.',
      labelNames: ['decision'], registers,
    });
    this.restatements = new Counter({ name: METRICS.restatements, help: 'Restatements published after a corporate action.', labelNames: ['symbol'], registers });
    this.revisions = {
      entries: new Gauge({ name: REVISION_MEMORY_METRICS.entries, help: 'Bar versions remembered to drop repeats, over the partitions this instance decided bars of.', registers }),
      series: new Gauge({ name: REVISION_MEMORY_METRICS.series, help: 'Series (symbol, timeframe) with remembered bar versions.', registers }),
      evictions: new Counter({
        name: REVISION_MEMORY_METRICS.evictions,
        help: 'Bar versions forgotten: horizon (older than REVISION_MEMORY_DAYS), series_cap (REVISION_MEMORY_MAX_BARS), total_cap (REVISION_MEMORY_MAX_ENTRIES; the whole series).',
        labelNames: ['reason'], registers,
      }),
    };
  }
}
