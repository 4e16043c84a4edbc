import { DynamicModule, Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';
import { StageMetrics } from './stage-metrics';

@Global()
@Module({})
export class ObservabilityModule {
  static forService(service: string): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [HealthController],
      providers: [{ provide: StageMetrics, useValue: new StageMetrics(service) }, Readiness],
      exports: [StageMetrics, Readiness],
    };
  }
}
