import { DynamicModule, Module } from '@nestjs/common';
import { serviceModule } from '@md/kafka';
import { BarsSinkService } from './bars-sink.service';
import type { WriterConfig } from './config';
import { DerivedSinkService } from './derived-sink.service';
import { EventsSinkService } from './events-sink.service';
import { QualityReportController } from './quality-report.controller';
import { ReadApiController } from './read-api.controller';
import { StorageService } from './storage.service';

@Module({})
export class AppModule {
  static with(config: WriterConfig): DynamicModule {
    return serviceModule(AppModule, 'timescale-writer', config, {
      controllers: [ReadApiController, QualityReportController],
      providers: [StorageService, BarsSinkService, EventsSinkService, DerivedSinkService],
    });
  }
}
