import { DynamicModule, Module } from '@nestjs/common';
import { RedisConnection } from '@md/feature-store';
import { BrokerProbe, serviceModule } from '@md/kafka';
import { Readiness } from '@md/observability';
import { redisSettings, type FeatureEngineConfig } from './config';
import { FeatureEngineService } from './feature-engine.service';
import { FeaturesController } from './features.controller';
import { RedisSinkService } from './redis-sink.service';

@Module({})
export class AppModule {
  static with(config: FeatureEngineConfig): DynamicModule {
    return serviceModule(AppModule, 'feature-engine', config, {
      controllers: [FeaturesController],
      providers: [
        BrokerProbe, FeatureEngineService, RedisSinkService,
        { provide: RedisConnection, useFactory: (r: Readiness) => new RedisConnection(redisSettings(config), r), inject: [Readiness] },
      ],
    });
  }
}
