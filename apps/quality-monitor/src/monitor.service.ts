import { CONFIG } from '@md/config';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type KafkaMessage, type Producer } from 'kafkajs';
import { type CleanBar, type RawBar, REPROCESS_HEADER, TOPICS, timeframeMicros } from '@md/contracts';
import { nowMicros, sessionAt } from '@md/market';
import { CleanBarChecks, RawBarChecks, qualityStream, riskFromQualityIssue, staleness, type QualityIssue } from '@md/quality';
import {
  StageKit, TransactionalStage, createIdempotentProducer, exitUnstarted, retryUntil, type KeyedState, type OutputRecord,
} from '@md/kafka';
import type { QualityConfig } from './config';
import { barEnd, checksConfig, cleanBarFindings, toRecord } from './findings';
import { QualityMetrics } from './quality-metrics';

interface LiveStream {
  symbol: string;
  timeframe: CleanBar['timeframe'];
  lastEventUs: number;
}

/**
 * md.raw.bars.v1 + md.bars.v1 -> streaming checks per (symbol, timeframe) -> md.quality.issues.v1,
 * in Kafka transactions with the detectors' state changelog, so a restart neither repeats nor
 * misses a finding. Staleness is judged against the wall clock on a timer.
 */
@Injectable()
export class MonitorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MonitorService.name);
  private readonly counters: QualityMetrics;
  private readonly live = new Map<string, LiveStream>();
  private readonly staleProducer: Producer;
  private stage?: TransactionalStage;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(CONFIG) private readonly config: QualityConfig,
    private readonly kit: StageKit,
  ) {
    this.counters = new QualityMetrics(kit.metrics);
    this.staleProducer = createIdempotentProducer(kit.kafka);
  }

  async onApplicationBootstrap(): Promise<void> {
    const fixed = (['QUIET_GAP_MINUTES', 'QUIET_GAP_MINUTES_BY_SYMBOL', 'VOLUME_ANOMALY_MULTIPLE'] as const).filter((k) => this.config[k] !== undefined);
    if (fixed.length) this.logger.warn(`${fixed.join(', ')} deprecated: fixed thresholds replace the learned per-symbol profile for the streams they cover (README, Data quality)`);
    // In the background, like the stage itself (StageKit): a broker still away at start must not
    // stop the boot; staleness checks fail (and warn) until it is connected.
    retryUntil('connecting the staleness producer', () => this.staleProducer.connect(), this.config.KAFKA_OUTAGE_BUDGET_SECONDS * 1000)
      .catch((err) => exitUnstarted(this.logger, err));
    this.stage = await this.kit.startTransactional({
      stage: 'quality-monitor', settings: this.config, inputs: [TOPICS.rawBars, TOPICS.bars], outputs: [TOPICS.qualityIssues, TOPICS.riskEvents],
      transform: (m, topic, state) => this.transform(m, topic, state),
    });
    const every = this.config.STALE_CHECK_SECONDS * 1000;
    this.timer = setInterval(() => void this.checkFreshness().catch((err) => this.logger.warn(`staleness check failed: ${err.message}`)), every);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.stage?.stop();
    await this.staleProducer.disconnect();
  }

  private async transform(message: KafkaMessage, topic: string, state: KeyedState): Promise<OutputRecord[]> {
    if (topic === TOPICS.rawBars) {
      const raw = await this.kit.codec.decode<RawBar>(topic, message.value);
      const checks = state.load(`raw|${raw.timeframe}|${raw.symbol}`, (s) => RawBarChecks.fromJSON(qualityStream(raw.symbol, raw.timeframe), checksConfig(this.config, raw.symbol), s as never));
      return this.publish(checks.observe(raw), barEnd(raw));
    }
    // A restated window (REPROCESS_HEADER: the preprocessor's reprocess) is not an arrival to judge,
    // even for a stream this monitor has no state for; its findings come from the quality-monitor's
    // own reprocess over the stored bars.
    if (message.headers?.[REPROCESS_HEADER] !== undefined) {
      this.counters.restatedSkipped.inc();
      return [];
    }
    const bar = await this.kit.codec.decode<CleanBar>(topic, message.value);
    // One provider's bars are one stream: gaps and returns mean nothing across two feeds.
    const key = `clean|${bar.timeframe}|${bar.symbol}|${bar.provider}`;
    const checks = state.load(key, (s) => CleanBarChecks.fromJSON(qualityStream(bar.symbol, bar.timeframe), checksConfig(this.config, bar.symbol), s as never));
    // A bar at or before the stream's last one finds nothing: the ordered detectors ignore it and
    // the stream's position stays. The bar's generation is the preprocessor's rule version, not
    // ours, so it decides nothing here.
    const issues = cleanBarFindings(checks, bar);
    const seen = this.live.get(key);
    if (!seen || bar.eventTime > seen.lastEventUs) this.live.set(key, { symbol: bar.symbol, timeframe: bar.timeframe, lastEventUs: bar.eventTime });
    return this.publish(issues, barEnd(bar));
  }

  /** `availableTime`: the end of the bar that revealed the issues, when they could first be known. */
  private async publish(issues: QualityIssue[], availableTime: number): Promise<OutputRecord[]> {
    const out: OutputRecord[] = [];
    for (const issue of issues) {
      if (issue.type === 'completeness') this.counters.completeness.set({ symbol: issue.symbol, timeframe: issue.timeframe }, Number(issue.evidence.ratio));
      else {
        this.counters.issues.inc({ type: issue.type, symbol: issue.symbol, timeframe: issue.timeframe });
        if (issue.type === 'missing_bars') this.counters.missingBars.inc({ symbol: issue.symbol, timeframe: issue.timeframe }, Number(issue.evidence.missingBars ?? 0));
      }
      const record = toRecord(issue, availableTime, this.config.GENERATION);
      out.push({ topic: TOPICS.qualityIssues, key: issue.symbol, value: await this.kit.codec.encode(TOPICS.qualityIssues, record) });
      // At WARNING or above the finding is a risk event too, in the same transaction.
      const risk = riskFromQualityIssue(record);
      if (risk) out.push({ topic: TOPICS.riskEvents, key: issue.symbol, value: await this.kit.codec.encode(TOPICS.riskEvents, risk) });
    }
    return out;
  }

  /**
   * Freshness gauges and stale issues for live streams. Published outside the transaction (it
   * consumes nothing); the issue's identity is its stream and last bar, so a repeat is one row.
   */
  private async checkFreshness(): Promise<void> {
    const now = nowMicros();
    this.counters.sessionOpen.set(sessionAt(now) === 'REGULAR' ? 1 : 0);
    const ignoreBefore = now - this.config.STALE_IGNORE_AFTER_HOURS * 3_600_000_000;
    const messages = [];
    const risks = [];
    for (const s of this.live.values()) {
      if (s.lastEventUs < ignoreBefore) continue; // a replay of history, not a live feed
      const endUs = s.lastEventUs + timeframeMicros(s.timeframe);
      this.counters.freshness.set({ symbol: s.symbol, timeframe: s.timeframe }, Math.max(0, (now - endUs) / 1e6));
      const issue = staleness(endUs, now, this.config.STALE_AFTER_SECONDS, qualityStream(s.symbol, s.timeframe));
      // Judged against the wall clock, so known at the check.
      if (!issue) continue;
      const record = toRecord(issue, now, this.config.GENERATION);
      messages.push({ key: s.symbol, value: await this.kit.codec.encode(TOPICS.qualityIssues, record) });
      const risk = riskFromQualityIssue(record);
      if (risk) risks.push({ key: s.symbol, value: await this.kit.codec.encode(TOPICS.riskEvents, risk) });
    }
    const topicMessages = [{ topic: TOPICS.qualityIssues, messages }, { topic: TOPICS.riskEvents, messages: risks }].filter((t) => t.messages.length);
    if (topicMessages.length) await this.staleProducer.sendBatch({ topicMessages });
  }
}
