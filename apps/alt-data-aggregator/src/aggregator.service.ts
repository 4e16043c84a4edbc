import { CONFIG } from '@md/config';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, type TopicName } from '@md/contracts';
import { Readiness } from '@md/observability';
import { IngestProducer } from '@md/ingest';
import { AltDataMetrics } from './alt-data.metrics';
import type { AltDataConfig } from './config';
import type { AltDataProvider, ProviderStatus } from './providers/provider';
import { SignalPublisher } from './signal-publisher';
import { bookOptions, configuredProviders, vixPolicy } from './sources';

const OUTPUTS: TopicName[] = [TOPICS.vixRegime, TOPICS.altSignals, TOPICS.riskEvents, TOPICS.deadLetter];

/** Runs the configured sources, publishing through the service's idempotent producer. */
@Injectable()
export class AggregatorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AggregatorService.name);
  private readonly metrics: AltDataMetrics;
  private providers: AltDataProvider[] = [];
  private runs: Promise<void>[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: AltDataConfig,
    private readonly kafka: IngestProducer,
    private readonly readiness: Readiness,
  ) {
    this.metrics = new AltDataMetrics(kafka.metrics);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.providers = configuredProviders(this.config, this.metrics); // a source that cannot be built stops the boot before any connection
    await this.kafka.connect(OUTPUTS, this.config.KAFKA_OUTAGE_BUDGET_SECONDS);
    if (!this.providers.length) {
      this.logger.warn('no alternative-data source is configured (set VIX_FILE, VIX_URL, ALPACA_NEWS_URL, SOCIAL_FILE, ALTDATA_FILES or ALTDATA_URLS): publishing nothing');
      return;
    }
    const publisher = new SignalPublisher(this.kafka.producer, this.kafka.codec, this.kafka.metrics, this.metrics, { vixPolicy: vixPolicy(this.config), book: bookOptions(this.config), batch: this.config.PUBLISH_BATCH });
    this.logger.log(`sources: ${this.providers.map((p) => p.name).join(', ')}`);
    this.runs = this.providers.map((p) => this.runProvider(p, publisher));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.providers.map((p) => p.stop()));
    await Promise.allSettled(this.runs);
    await this.kafka.disconnect();
  }

  sourceStatus(): Array<{ provider: string } & ProviderStatus> {
    return this.providers.map((p) => ({ provider: p.name, ...p.status() }));
  }

  /**
   * A source that fails for good (a missing file, refused credentials) makes /ready 503 and says
   * why in the log and /v1/sources; the other sources go on.
   */
  private async runProvider(provider: AltDataProvider, publisher: SignalPublisher): Promise<void> {
    this.readiness.register(`source:${provider.name}`, () => provider.status().state !== 'failed');
    this.metrics.providerUp.set({ provider: provider.name }, 1);
    try {
      await provider.run(publisher.sinkFor(provider.name));
      this.logger.log(`${provider.name}: ${provider.status().state}`);
    } catch (err) {
      this.metrics.providerUp.set({ provider: provider.name }, 0);
      this.logger.error(`${provider.name} failed: ${(err as Error).message}`);
    }
  }
}
