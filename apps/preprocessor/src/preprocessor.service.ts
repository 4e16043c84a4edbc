import { CONFIG } from '@md/config';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type KafkaMessage } from 'kafkajs';
import { type CleanBar, type CorporateActionRecord, InvalidRecordError, PRICE_ACTION_KINDS, type RawBar, type RestatementRecord, TOPICS } from '@md/contracts';
import { SymbolAdjustments, cleanBar, nowMicros, priceActionOf, type AdjustmentChange, type CorporateAction } from '@md/market';
import { StageKit, TransactionalStage, type KeyedState, type OutputRecord } from '@md/kafka';
import { PreprocessorConfig } from './config';
import { PreprocessorMetrics } from './preprocessor-metrics';
import { barWasFinished, toBarRevisedIssue, toRestatement } from './records';
import { RecentBarVersions } from './recent-bar-versions';
import { RevisionMemory } from './revision-memory';

/**
 * md.raw.bars.v1 -> validate, session-tag, de-duplicate by revision, adjustment factors ->
 * md.bars.v1 (a finished bar replaced with other content also -> md.quality.issues.v1
 * `bar_revised`); md.corporate-actions.v1 -> md.restatements.v1; rejects -> md.dlq.v1. One Kafka
 * transaction per chunk carries the outputs, the state changelog and the input offsets.
 */
@Injectable()
export class PreprocessorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PreprocessorService.name);
  private readonly counters: PreprocessorMetrics;
  private stage?: TransactionalStage;
  /** Repeats over REVISION_MEMORY_DAYS trading days, in the keyed state. */
  private readonly revisions: RevisionMemory;
  /** The values of recent versions, for the evidence of `bar_revised` issues. */
  private readonly versions: RecentBarVersions;

  constructor(
    @Inject(CONFIG) private readonly config: PreprocessorConfig,
    private readonly kit: StageKit,
  ) {
    this.counters = new PreprocessorMetrics(kit.metrics);
    this.revisions = new RevisionMemory(config, this.counters.revisions);
    this.versions = new RecentBarVersions(config.REVISION_EVIDENCE_MAX_BARS);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stage = await this.kit.startTransactional({
      stage: 'preprocessor', settings: this.config, inputs: [TOPICS.rawBars, TOPICS.corporateActions], outputs: [TOPICS.bars, TOPICS.restatements, TOPICS.qualityIssues],
      transform: (m, topic, state) => this.transform(m, topic, state),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stage?.stop();
  }

  private transform(message: KafkaMessage, topic: string, state: KeyedState): Promise<OutputRecord[]> {
    return topic === TOPICS.corporateActions ? this.onAction(message, state) : this.onBar(message, state);
  }

  private async onBar(message: KafkaMessage, state: KeyedState): Promise<OutputRecord[]> {
    const bar = cleanBar(await this.kit.codec.decode<RawBar>(TOPICS.rawBars, message.value), this.config.GENERATION);
    const decision = this.revisions.decide(bar, state);
    this.counters.decisions.inc({ decision });
    if (decision === 'duplicate' || decision === 'stale') return [];
    if (decision === 'conflict') {
      throw new InvalidRecordError(
        `${bar.symbol} ${bar.timeframe} bar at ${new Date(bar.eventTime / 1000).toISOString()}: same revision ${bar.revision} as an earlier bar with different prices or volume; the first is kept — send a correction with a higher revision`,
      );
    }
    const replaced = this.versions.replace(bar);
    const adjustments = state.load(`adj|${bar.symbol}`, SymbolAdjustments.fromJSON);
    const change = adjustments.observeBar(bar);
    const { splitFactor, dividendFactor } = adjustments.factorsAt(bar.eventTime);
    const out: CleanBar = { ...bar, splitFactor, dividendFactor };
    const records: OutputRecord[] = [{ topic: TOPICS.bars, key: bar.symbol, value: await this.kit.codec.encode(TOPICS.bars, out) }];
    if (change) records.push(...(await this.restatement(bar.symbol, change)));
    if (decision === 'revision' && barWasFinished(bar)) {
      const issue = toBarRevisedIssue(bar, replaced, nowMicros(), this.config.GENERATION);
      records.push({ topic: TOPICS.qualityIssues, key: bar.symbol, value: await this.kit.codec.encode(TOPICS.qualityIssues, issue) });
    }
    return records;
  }

  private async onAction(message: KafkaMessage, state: KeyedState): Promise<OutputRecord[]> {
    const record = await this.kit.codec.decode<CorporateActionRecord>(TOPICS.corporateActions, message.value);
    // Symbol changes, mergers and spin-offs move no price here: the writer stores them, and a
    // symbol change joins the tickers' series when adjusted bars are read (symbol-lineage.ts).
    if (!PRICE_ACTION_KINDS.has(record.kind)) return [];
    const action: CorporateAction = priceActionOf(record);
    const adjustments = state.load(`adj|${action.symbol}`, SymbolAdjustments.fromJSON);
    const reference = record.referencePrice === null ? undefined : Number(record.referencePrice);
    return this.restatement(action.symbol, adjustments.addAction(action, reference));
  }

  private async restatement(symbol: string, change: AdjustmentChange): Promise<OutputRecord[]> {
    if (!change.changed.length) return [];
    this.counters.restatements.inc({ symbol });
    const record: RestatementRecord = toRestatement(symbol, change, nowMicros());
    this.logger.log(`restating ${symbol}: ${change.cause}`);
    return [{ topic: TOPICS.restatements, key: symbol, value: await this.kit.codec.encode(TOPICS.restatements, record) }];
  }
}
