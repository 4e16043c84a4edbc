import { DynamicModule, Module } from '@nestjs/common';
import { BrokerProbe, serviceModule } from '@md/kafka';
import { IngestProducer } from '@md/ingest';
import { AggregatorService } from './aggregator.service';
import type { AltDataConfig } from './config';
import { SourcesController } from './sources.controller';

@Module({})
export class AppModule {
  static with(config: AltDataConfig): DynamicModule {
    return serviceModule(AppModule, 'alt-data-aggregator', config, { controllers: [SourcesController], providers: [BrokerProbe, IngestProducer, AggregatorService] });
  }
}
