import { DynamicModule, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { BrokerProbe, KafkaModule } from '@md/kafka';
import { ObservabilityModule } from '@md/observability';

import type { QualityConfig } from './config';

// The foundation issue gives this service its process, config, probes and broker connection;
// its processing is the subject of issue #4 and is not here yet: it consumes nothing.
class Placeholder implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    new Logger('quality-monitor').warn('connected, but processing is not implemented yet (issue #4): consuming nothing');
  }
}

@Module({})
export class AppModule {
  static with(config: QualityConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService('quality-monitor'),
        KafkaModule.forService({ clientId: 'md-quality-monitor', brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL }),
      ],
      providers: [BrokerProbe, Placeholder],
    };
  }
}
