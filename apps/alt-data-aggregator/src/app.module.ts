import { DynamicModule, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { BrokerProbe, KafkaModule } from '@md/kafka';
import { ObservabilityModule } from '@md/observability';

import type { AltDataConfig } from './config';

// The foundation issue gives this service its process, config, probes and broker connection;
// its processing is the subject of issue #6 and is not here yet: it consumes nothing.
class Placeholder implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    new Logger('alt-data-aggregator').warn('connected, but processing is not implemented yet (issue #6): consuming nothing');
  }
}

@Module({})
export class AppModule {
  static with(config: AltDataConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService('alt-data-aggregator'),
        KafkaModule.forService({ clientId: 'md-alt-data-aggregator', brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL }),
      ],
      providers: [BrokerProbe, Placeholder],
    };
  }
}
