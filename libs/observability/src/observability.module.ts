import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { accessProviders, type AccessConfig } from './access/access.providers';
import { HealthController } from './health.controller';
import { QueryTimingInterceptor } from './query-timing.interceptor';
import { Readiness } from './readiness';
import { RequestErrorsFilter } from './request-errors.filter';
import { StageMetrics } from './stage-metrics';

@Global()
@Module({})
export class ObservabilityModule {
  static forService(service: string, access: AccessConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [HealthController],
      providers: [{ provide: StageMetrics, useValue: new StageMetrics(service) }, Readiness, { provide: APP_INTERCEPTOR, useClass: QueryTimingInterceptor }, ...accessProviders(access), { provide: APP_FILTER, useClass: RequestErrorsFilter }],
      exports: [StageMetrics, Readiness],
    };
  }
}
