import { DynamicModule, Module } from '@nestjs/common';
import { BrokerProbe, KafkaModule } from '@md/kafka';
import { ObservabilityModule, Readiness } from '@md/observability';
import { RedisConnection } from '@md/feature-store';
import type { FeatureEngineConfig } from './config';
import { FeatureEngineService } from './feature-engine.service';
import { CONFIG } from '@md/config';
import { FeaturesController } from './features.controller';
import { RedisSinkService } from './redis-sink.service';

@Module({})
export class AppModule {
  static with(config: FeatureEngineConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService('feature-engine'),
        KafkaModule.forService({ clientId: 'md-feature-engine', brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL }),
      ],
      controllers: [FeaturesController],
      providers: [
        { provide: CONFIG, useValue: config }, BrokerProbe, FeatureEngineService, RedisSinkService,
        { provide: RedisConnection, useFactory: (r: Readiness) => new RedisConnection(config.REDIS_URL, r), inject: [Readiness] },
      ],
    };
  }
}
