import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@md/kafka';
import { ObservabilityModule } from '@md/observability';
import type { PreprocessorConfig } from './config';
import { CONFIG } from '@md/config';
import { PreprocessorService } from './preprocessor.service';

@Module({})
export class AppModule {
  static with(config: PreprocessorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService('preprocessor'),
        KafkaModule.forService({ clientId: 'md-preprocessor', brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL }),
      ],
      providers: [{ provide: CONFIG, useValue: config }, PreprocessorService],
    };
  }
}
