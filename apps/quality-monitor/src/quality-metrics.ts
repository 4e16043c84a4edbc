import { Counter, Gauge } from 'prom-client';
import { METRICS, StageMetrics } from '@md/observability';

/** Per-symbol quality metrics (names in libs/observability/src/metric-names.ts; alert rules use them). */
export class QualityMetrics {
  readonly issues: Counter<'type' | 'symbol' | 'timeframe'>;
  readonly missingBars: Counter<'symbol' | 'timeframe'>;
  readonly completeness: Gauge<'symbol' | 'timeframe'>;
  readonly freshness: Gauge<'symbol' | 'timeframe'>;
  readonly sessionOpen: Gauge;
  readonly restatedSkipped: Counter;

  constructor(stage: StageMetrics) {
    const registers = [stage.registry];
    this.issues = new Counter({ name: METRICS.qualityIssues, help: 'Quality issues found, by type (duplicate, price_outlier, missing_bars, ...).', labelNames: ['type', 'symbol', 'timeframe'], registers });
    this.missingBars = new Counter({ name: METRICS.qualityMissingBars, help: 'Bars missing inside sessions beyond the quiet threshold.', labelNames: ['symbol', 'timeframe'], registers });
    this.completeness = new Gauge({ name: METRICS.qualityCompleteness, help: 'Completeness of the last finished New York day (observed / expected session minutes).', labelNames: ['symbol', 'timeframe'], registers });
    this.freshness = new Gauge({ name: METRICS.qualityFreshness, help: 'Seconds since the end of the newest bar of a live stream.', labelNames: ['symbol', 'timeframe'], registers });
    this.sessionOpen = new Gauge({ name: METRICS.qualitySessionOpen, help: '1 while the NYSE regular session is open (exchange calendar), else 0.', registers });
    this.restatedSkipped = new Counter({ name: METRICS.qualityRestatedSkipped, help: 'Clean bars of a reprocessed window (md-reprocess header) not judged as arrivals.', registers });
  }
}
