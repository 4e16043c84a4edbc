import { DynamicModule, Module } from '@nestjs/common';
import { serviceModule } from '@md/kafka';
import type { WriterConfig } from './config';
import { DbMetricsService } from './db-metrics.service';
import { DerivedApiController } from './derived-api.controller';
import { QualityReportController } from './quality-report.controller';
import { ReadApiController } from './read-api.controller';
import { SnapshotApiController } from './snapshot-api.controller';
import { StorageService } from './storage.service';
import { tableSink } from './table-sink';
import { TradingApiController } from './trading-api.controller';
import { BARS_SINK, DERIVED_SINK, EVENTS_SINK, RAW_SINK, TRADING_SINK } from './table-sinks';

@Module({})
export class AppModule {
  static with(config: WriterConfig): DynamicModule {
    return serviceModule(AppModule, 'timescale-writer', config, {
      controllers: [ReadApiController, SnapshotApiController, DerivedApiController, QualityReportController, TradingApiController],
      providers: [StorageService, DbMetricsService, tableSink(BARS_SINK), tableSink(EVENTS_SINK), tableSink(DERIVED_SINK), tableSink(RAW_SINK), tableSink(TRADING_SINK)],
    });
  }
}
