import { DynamicModule, Module } from '@nestjs/common';
import { serviceModule } from '@md/kafka';
import type { PreprocessorConfig } from './config';
import { PreprocessorService } from './preprocessor.service';

@Module({})
export class AppModule {
  static with(config: PreprocessorConfig): DynamicModule {
    return serviceModule(AppModule, 'preprocessor', config, { providers: [PreprocessorService] });
  }
}
