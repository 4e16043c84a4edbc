import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@md/kafka';
import { ObservabilityModule } from '@md/observability';
import type { GatewayConfig } from './config';
import { CONFIG } from '@md/config';
import { GatewayService } from './gateway.service';
import { ReplayController } from './replay.controller';

@Module({})
export class AppModule {
  static with(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService('feed-gateway'),
        KafkaModule.forService({ clientId: 'md-feed-gateway', brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL }),
      ],
      controllers: [ReplayController],
      providers: [{ provide: CONFIG, useValue: config }, GatewayService],
    };
  }
}
