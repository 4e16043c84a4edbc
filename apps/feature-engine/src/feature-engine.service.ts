import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type KafkaMessage } from 'kafkajs';
import { type CleanBar, type IntrinsicBarRecord, TOPICS, type TradeRecord } from '@md/contracts';
import { IntrinsicBarBuilder, type IntrinsicBarSpec } from '@md/intrinsic-bars';
import { StageKit, TransactionalStage, type KeyedState, type OutputRecord } from '@md/kafka';
import type { FeatureEngineConfig } from './config';
import { loadFeatureConfig, loadIntrinsicSpecs } from './engine-config';
import { FeaturePipeline } from './feature-pipeline';
import { FeatureEngineMetrics } from './feature-engine.metrics';
import { CONFIG } from '@md/config';

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
  private readonly pipeline: FeaturePipeline;
  private readonly intrinsic: IntrinsicBarSpec[];
  private stage?: TransactionalStage;

  constructor(
    @Inject(CONFIG) private readonly config: FeatureEngineConfig,
    private readonly kit: StageKit,
  ) {
    this.counters = new FeatureEngineMetrics(kit.metrics);
    this.pipeline = new FeaturePipeline(config, loadFeatureConfig(config), {
      count: (timeframe, outcome) => this.counters.features.inc({ timeframe, outcome }),
      warn: (message) => this.logger.warn(message),
    });
    this.intrinsic = loadIntrinsicSpecs(config);
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
    const out: OutputRecord[] = [];
    for (const vector of this.pipeline.bar(bar, state)) out.push({ topic: TOPICS.features, key: vector.symbol, value: await this.kit.codec.encode(TOPICS.features, vector) });
    return out;
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
