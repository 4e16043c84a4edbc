import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@md/kafka';
import { ObservabilityModule } from '@md/observability';
import type { QualityConfig } from './config';
import { CONFIG } from '@md/config';
import { MonitorService } from './monitor.service';
import { ReportRedirectController } from './report-redirect.controller';

@Module({})
export class AppModule {
  static with(config: QualityConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService('quality-monitor'),
        KafkaModule.forService({ clientId: 'md-quality-monitor', brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL }),
      ],
      controllers: [ReportRedirectController],
      providers: [{ provide: CONFIG, useValue: config }, MonitorService],
    };
  }
}
