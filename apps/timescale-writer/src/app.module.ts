import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@md/kafka';
import { ObservabilityModule } from '@md/observability';
import { BarsSinkService } from './bars-sink.service';
import { DerivedSinkService } from './derived-sink.service';
import { EventsSinkService } from './events-sink.service';
import type { WriterConfig } from './config';
import { QualityReportController } from './quality-report.controller';
import { ReadApiController } from './read-api.controller';
import { CONFIG } from '@md/config';
import { StorageService } from './storage.service';

@Module({})
export class AppModule {
  static with(config: WriterConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService('timescale-writer'),
        KafkaModule.forService({ clientId: 'md-timescale-writer', brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL }),
      ],
      controllers: [ReadApiController, QualityReportController],
      providers: [{ provide: CONFIG, useValue: config }, StorageService, BarsSinkService, EventsSinkService, DerivedSinkService],
    };
  }
}
