import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { RecordEncoder, latestPerKey, naturalKey, type FeatureVector } from '@md-platform/client';
import { SIGNAL_CONFIG, type SignalConfig } from './signal-config';
import { signalOf, toSignalValue } from './signal-rule';

/** The platform's feature topic (schemas/md.features.v1.avsc); key: symbol. */
export const FEATURES_TOPIC = 'md.features.v1';

/** Vectors remembered for dedupe: about a day of 1m bars for 250 symbols, then the oldest go. */
const MAX_REMEMBERED_VECTORS = 100_000;

@Controller()
export class SignalController {
  private readonly logger = new Logger(SignalController.name);
  // A replay re-sends vectors as they were; a reprocess sends them again at a higher generation.
  // Only a new or newer version of a vector makes a signal.
  private readonly seen = latestPerKey<FeatureVector>(naturalKey, MAX_REMEMBERED_VECTORS);

  constructor(@Inject(SIGNAL_CONFIG) private readonly config: SignalConfig, private readonly encoder: RecordEncoder) {}

  /**
   * The transport awaits this handler before it moves on, and kafkajs commits the offset after
   * that (autoCommit), so a signal is sent at least once: a crash between the send and the
   * commit sends it again. The platform's writer keeps one row per (symbol, model, signalTime),
   * so a repeat changes nothing.
   */
  @EventPattern(FEATURES_TOPIC)
  async onVector(@Payload() vector: FeatureVector, @Ctx() context: KafkaContext): Promise<void> {
    if (!this.seen.accept(vector)) return;
    const signal = signalOf(vector, this.config.threshold);
    if (!signal) return;
    // The transport's own kafkajs producer (KafkaContext.getProducer, NestJS docs "Kafka",
    // "Context"): no second client. Keyed by symbol so one symbol's signals stay in order.
    const value = toSignalValue(signal, vector, this.config.model, this.config.modelVersion);
    await context.getProducer().send({
      topic: this.config.signalTopic,
      messages: [{ key: signal.symbol, value: await this.encoder.encode(this.config.signalTopic, value) }],
    });
    this.logger.debug(`${signal.symbol} ${signal.eventTime} ${signal.direction} (${signal.score.toFixed(2)})`);
  }
}
