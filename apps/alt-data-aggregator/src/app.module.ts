import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@md/kafka';
import { ObservabilityModule } from '@md/observability';
import { CONFIG } from '@md/config';
import { AggregatorService } from './aggregator.service';
import type { AltDataConfig } from './config';
import { SourcesController } from './sources.controller';

@Module({})
export class AppModule {
  static with(config: AltDataConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService('alt-data-aggregator'),
        KafkaModule.forService({ clientId: 'md-alt-data-aggregator', brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL }),
      ],
      controllers: [SourcesController],
      providers: [{ provide: CONFIG, useValue: config }, AggregatorService],
    };
  }
}
