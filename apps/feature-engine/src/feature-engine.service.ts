import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type KafkaMessage } from 'kafkajs';
import { type CleanBar, type FeatureVectorRecord, type IntrinsicBarRecord, TOPICS, type Timeframe, type TradeRecord, timeframeMicros } from '@md/contracts';
import { FeatureState, FeatureStateError, SessionResampler, featureSetFor, type FeatureBar, type FeatureConfig, type FeatureSetSpec, type ResampleTimeframe } from '@md/features';
import { IntrinsicBarBuilder, type IntrinsicBarSpec } from '@md/intrinsic-bars';
import { StageKit, TransactionalStage, type KeyedState, type OutputRecord } from '@md/kafka';
import type { FeatureEngineConfig } from './config';
import { loadFeatureConfig, loadIntrinsicSpecs } from './engine-config';
import { FeatureEngineMetrics } from './feature-engine.metrics';
import { CONFIG } from '@md/config';

const MINUTE_US = 60_000_000;

function featureBar(bar: CleanBar): FeatureBar {
  return { eventTime: bar.eventTime, open: Number(bar.open), high: Number(bar.high), low: Number(bar.low), close: Number(bar.close), volume: bar.volume };
}

/**
 * md.bars.v1 -> features per (symbol, timeframe) -> md.features.v1; md.raw.trades.v1 ->
 * intrinsic bars -> md.bars.intrinsic.v1. One Kafka transaction per chunk carries the outputs,
 * the changed states (indicator windows, resampler buckets, bar builders) in the changelog and
 * the input offsets, so a crash anywhere resumes exactly where the committed state and offsets
 * agree: a restarted engine emits what an uninterrupted one would have, once.
 *
 * Every output is a function of the inputs only (no wall clock): ingestTime is the input's.
 * Features see prices as published (point-in-time, not back-adjusted): a split inside a window
 * moves the price-level features until the window has passed it (README, feature-engine).
 */
@Injectable()
export class FeatureEngineService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeatureEngineService.name);
  private readonly counters: FeatureEngineMetrics;
  private readonly features: FeatureConfig;
  private readonly intrinsic: IntrinsicBarSpec[];
  private readonly resampled: ResampleTimeframe[];
  private stage?: TransactionalStage;

  constructor(
    @Inject(CONFIG) private readonly config: FeatureEngineConfig,
    private readonly kit: StageKit,
  ) {
    this.counters = new FeatureEngineMetrics(kit.metrics);
    this.features = loadFeatureConfig(config);
    this.intrinsic = loadIntrinsicSpecs(config);
    this.resampled = config.FEATURE_TIMEFRAMES.filter((t): t is ResampleTimeframe => t !== '1m');
  }

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    const bars = this.intrinsic.length ? this.intrinsic.map((s) => s.kind).join(', ') : 'none (INTRINSIC_BARS_FILE unset)';
    this.stage = await this.kit.startTransactional({
      stage: 'feature-engine', settings: c, inputs: [TOPICS.bars, TOPICS.rawTrades], outputs: [TOPICS.features, TOPICS.intrinsicBars],
      transform: (m, topic, state) => this.transform(m, topic, state),
      describe: `features on ${c.FEATURE_TIMEFRAMES.join(', ')} (${c.FEATURE_SESSIONS} session); intrinsic bars: ${bars}`,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stage?.stop();
  }

  private transform(message: KafkaMessage, topic: string, state: KeyedState): Promise<OutputRecord[]> {
    return topic === TOPICS.rawTrades ? this.onTrade(message, state) : this.onBar(message, state);
  }

  private async onBar(message: KafkaMessage, state: KeyedState): Promise<OutputRecord[]> {
    const bar = await this.kit.codec.decode<CleanBar>(TOPICS.bars, message.value);
    if (this.config.FEATURE_SESSIONS === 'regular' && bar.session !== 'REGULAR') {
      this.counters.features.inc({ timeframe: bar.timeframe, outcome: 'outside_session' });
      return [];
    }
    const input = featureBar(bar);
    const out: OutputRecord[] = [];
    if (this.config.FEATURE_TIMEFRAMES.includes(bar.timeframe)) {
      out.push(...(await this.compute(bar, bar.timeframe, input, bar.eventTime + timeframeMicros(bar.timeframe), state)));
    }
    if (bar.timeframe !== '1m') return out;
    for (const tf of this.resampled) {
      const resampler = state.load(`rs|${tf}|${bar.symbol}`, (s) => (s ? SessionResampler.fromJSON(s, tf) : SessionResampler.create(tf)));
      // The bar is complete at its end: a bucket whose last minute it is can be emitted now,
      // not only when the next session's first bar arrives (still backward-only).
      const done = [...resampler.update(input), ...resampler.flush(bar.eventTime + MINUTE_US)];
      for (const coarse of done) out.push(...(await this.compute(bar, tf, coarse, coarse.endTime, state)));
    }
    return out;
  }

  /** `availableTime`: the end of the bar `input` (the bucket end for a resampled one), when its features could first be known. */
  private async compute(source: CleanBar, timeframe: Timeframe, input: FeatureBar, availableTime: number, state: KeyedState): Promise<OutputRecord[]> {
    const spec = featureSetFor(this.features, source.symbol, timeframe);
    const features = state.load(`fs|${timeframe}|${source.symbol}`, (s) => this.restore(s, spec, source.symbol, timeframe));
    const values = features.update(input);
    this.counters.features.inc({ timeframe, outcome: values ? 'computed' : 'repeat' });
    if (!values) return [];
    const record: FeatureVectorRecord = {
      symbol: source.symbol, timeframe, provider: source.provider, eventTime: input.eventTime, ingestTime: source.ingestTime, featureSet: spec.name, values,
      availableTime, generation: this.config.GENERATION,
    };
    return [{ topic: TOPICS.features, key: source.symbol, value: await this.kit.codec.encode(TOPICS.features, record) }];
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
      this.logger.warn(`${symbol} ${timeframe}: ${err.message}; starting its features afresh (they warm up again)`);
      this.counters.features.inc({ timeframe, outcome: 'state_reset' });
      return FeatureState.create(spec);
    }
  }

  private async onTrade(message: KafkaMessage, state: KeyedState): Promise<OutputRecord[]> {
    if (!this.intrinsic.length) return [];
    const trade = await this.kit.codec.decode<TradeRecord>(TOPICS.rawTrades, message.value);
    const out: OutputRecord[] = [];
    for (const spec of this.intrinsic) {
      const builder = state.load(`ib|${spec.kind}|${trade.symbol}`, (s) => (s ? IntrinsicBarBuilder.fromJSON(s, spec) : IntrinsicBarBuilder.create(spec)));
      for (const bar of builder.push(trade)) {
        const record: IntrinsicBarRecord = { ...bar, generation: this.config.GENERATION };
        this.counters.intrinsicBars.inc({ kind: bar.kind });
        out.push({ topic: TOPICS.intrinsicBars, key: bar.symbol, value: await this.kit.codec.encode(TOPICS.intrinsicBars, record) });
      }
    }
    return out;
  }
}
