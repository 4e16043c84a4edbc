import { Counter } from 'prom-client';
import { METRICS, StageMetrics } from '@md/observability';

/** What the preprocessor decided about each bar, and the restatements it published. */
export class PreprocessorMetrics {
  readonly decisions: Counter<'decision'>;
  readonly restatements: Counter<'symbol'>;

  constructor(stage: StageMetrics) {
    const registers = [stage.registry];
    this.decisions = new Counter({
      name: METRICS.barDecisions,
      help: 'Bars by revision decision: new, revision and late pass on; duplicate and stale are dropped (counted here); conflict is dead-lettered.',
      labelNames: ['decision'], registers,
    });
    this.restatements = new Counter({ name: METRICS.restatements, help: 'Restatements published after a corporate action.', labelNames: ['symbol'], registers });
  }
}
