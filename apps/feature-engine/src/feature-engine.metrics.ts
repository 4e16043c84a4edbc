import { Counter } from 'prom-client';
import { METRICS, type StageMetrics } from '@md/observability';

/** What the compute stage did with its inputs (names in libs/observability metric-names.ts). */
export class FeatureEngineMetrics {
  /** Feature vectors per timeframe, and bars not used, by reason. */
  readonly features: Counter<'timeframe' | 'outcome'>;
  readonly intrinsicBars: Counter<'kind'>;

  constructor(stage: StageMetrics) {
    const registers = [stage.registry];
    this.features = new Counter({
      name: METRICS.featuresComputed,
      help: 'Bars taken by the feature engine by outcome: computed, outside_session (FEATURE_SESSIONS=regular), repeat (at or before the last bar of its stream: a duplicate, late or replayed bar), or state_reset (a checkpoint of another feature set: warm-up again).',
      labelNames: ['timeframe', 'outcome'], registers,
    });
    this.intrinsicBars = new Counter({ name: METRICS.intrinsicBars, help: 'Intrinsic bars closed, by kind.', labelNames: ['kind'], registers });
  }
}
