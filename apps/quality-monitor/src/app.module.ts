import { DynamicModule, Module } from '@nestjs/common';
import { serviceModule } from '@md/kafka';
import type { QualityConfig } from './config';
import { MonitorService } from './monitor.service';
import { ReportRedirectController } from './report-redirect.controller';

@Module({})
export class AppModule {
  static with(config: QualityConfig): DynamicModule {
    return serviceModule(AppModule, 'quality-monitor', config, { controllers: [ReportRedirectController], providers: [MonitorService] });
  }
}
