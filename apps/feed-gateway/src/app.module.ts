import { DynamicModule, Module } from '@nestjs/common';
import { BrokerProbe, serviceModule } from '@md/kafka';
import { IngestProducer } from '@md/ingest';
import type { GatewayConfig } from './config';
import { GatewayService } from './gateway.service';
import { JobSchedulerService } from './jobs/job-scheduler.service';
import { JobsController } from './jobs/jobs.controller';
import { ReplayController } from './replay.controller';

@Module({})
export class AppModule {
  static with(config: GatewayConfig): DynamicModule {
    return serviceModule(AppModule, 'feed-gateway', config, { controllers: [ReplayController, JobsController], providers: [BrokerProbe, IngestProducer, GatewayService, JobSchedulerService] });
  }
}
