import { timeframeMicros, type CleanBar, type FeatureVectorRecord, type Timeframe } from '@md/contracts';
import { FeatureState, FeatureStateError, SessionResampler, featureSetFor, type FeatureBar, type FeatureConfig, type FeatureSetSpec, type ResampleTimeframe } from '@md/features';
import type { KeyedState } from '@md/kafka';
import type { FeatureEngineConfig } from './config';

const MINUTE_US = 60_000_000;

export type FeatureOutcome = 'computed' | 'outside_session' | 'repeat' | 'state_reset';

export interface PipelineHooks {
  count(timeframe: string, outcome: FeatureOutcome): void;
  warn(message: string): void;
}

function featureBar(bar: CleanBar): FeatureBar {
  return { eventTime: bar.eventTime, open: Number(bar.open), high: Number(bar.high), low: Number(bar.low), close: Number(bar.close), volume: bar.volume };
}

/**
 * The feature engine's rules for one clean bar, whoever feeds it: the live stage (md.bars.v1 in
 * Kafka transactions, state in its changelog) and the reprocess job (stored bars, state rebuilt
 * from a warm-up window) run this same code, so a reprocess computes what the stage computes.
 * A bar gives the vector of its own timeframe and of every resampled bucket it completes.
 */
export class FeaturePipeline {
  private readonly resampled: ResampleTimeframe[];

  constructor(
    private readonly settings: Pick<FeatureEngineConfig, 'FEATURE_TIMEFRAMES' | 'FEATURE_SESSIONS' | 'GENERATION'>,
    private readonly features: FeatureConfig,
    private readonly hooks: PipelineHooks,
  ) {
    this.resampled = settings.FEATURE_TIMEFRAMES.filter((t): t is ResampleTimeframe => t !== '1m');
  }

  bar(bar: CleanBar, state: KeyedState): FeatureVectorRecord[] {
    if (this.settings.FEATURE_SESSIONS === 'regular' && bar.session !== 'REGULAR') {
      this.hooks.count(bar.timeframe, 'outside_session');
      return [];
    }
    const input = featureBar(bar);
    const out: FeatureVectorRecord[] = [];
    if (this.settings.FEATURE_TIMEFRAMES.includes(bar.timeframe)) out.push(...this.compute(bar, bar.timeframe, input, bar.eventTime + timeframeMicros(bar.timeframe), state));
    if (bar.timeframe !== '1m') return out;
    for (const tf of this.resampled) {
      const resampler = state.load(`rs|${tf}|${bar.symbol}`, (s) => (s ? SessionResampler.fromJSON(s, tf) : SessionResampler.create(tf)));
      // The bar is complete at its end: a bucket whose last minute it is can be emitted now,
      // not only when the next session's first bar arrives (still backward-only).
      const done = [...resampler.update(input), ...resampler.flush(bar.eventTime + MINUTE_US)];
      for (const coarse of done) out.push(...this.compute(bar, tf, coarse, coarse.endTime, state));
    }
    return out;
  }

  /** `availableTime`: the end of the bar `input` (the bucket end for a resampled one), when its features could first be known. */
  private compute(source: CleanBar, timeframe: Timeframe, input: FeatureBar, availableTime: number, state: KeyedState): FeatureVectorRecord[] {
    const spec = featureSetFor(this.features, source.symbol, timeframe);
    const features = state.load(`fs|${timeframe}|${source.symbol}`, (s) => this.restore(s, spec, source.symbol, timeframe));
    const values = features.update(input);
    this.hooks.count(timeframe, values ? 'computed' : 'repeat');
    if (!values) return [];
    return [{
      symbol: source.symbol, timeframe, provider: source.provider, eventTime: input.eventTime, ingestTime: source.ingestTime, featureSet: spec.name, values,
      availableTime, generation: this.settings.GENERATION,
    }];
  }

  /**
   * A checkpoint written under another feature set (the config changed) or unreadable starts the
   * stream afresh: its features warm up again from the next bar. Dead-lettering every later bar
   * of the key instead would stop its features for good.
   */
  private restore(stored: unknown, spec: FeatureSetSpec, symbol: string, timeframe: Timeframe): FeatureState {
    if (!stored) return FeatureState.create(spec);
    try {
      return FeatureState.fromJSON(stored, spec);
    } catch (err) {
      if (!(err instanceof FeatureStateError)) throw err;
      this.hooks.warn(`${symbol} ${timeframe}: ${err.message}; starting its features afresh (they warm up again)`);
      this.hooks.count(timeframe, 'state_reset');
      return FeatureState.create(spec);
    }
  }
}
