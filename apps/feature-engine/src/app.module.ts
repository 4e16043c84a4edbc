import { DynamicModule, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { BrokerProbe, KafkaModule } from '@md/kafka';
import { ObservabilityModule, Readiness } from '@md/observability';
import { RedisConnection } from '@md/feature-store';

import type { FeatureEngineConfig } from './config';

// The foundation issue gives this service its process, config, probes and broker connection;
// its processing is the subject of issue #6 and is not here yet: it consumes nothing.
class Placeholder implements OnApplicationBootstrap {
  onApplicationBootstrap(): void {
    new Logger('feature-engine').warn('connected, but processing is not implemented yet (issue #6): consuming nothing');
  }
}

@Module({})
export class AppModule {
  static with(config: FeatureEngineConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService('feature-engine'),
        KafkaModule.forService({ clientId: 'md-feature-engine', brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL }),
      ],
      providers: [BrokerProbe, Placeholder,
        { provide: RedisConnection, useFactory: (r: Readiness) => new RedisConnection(config.REDIS_URL, r), inject: [Readiness] }],
    };
  }
}
