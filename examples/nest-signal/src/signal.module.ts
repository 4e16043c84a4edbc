import { Module, type DynamicModule } from '@nestjs/common';
import { RecordDecoder, RecordEncoder } from '@md-platform/client';
import { SIGNAL_CONFIG, type SignalConfig } from './signal-config';
import { SignalController } from './signal.controller';

@Module({})
export class SignalModule {
  static register(config: SignalConfig): DynamicModule {
    // The encoder writes md.signals.v1 with the schema the platform registered for it.
    const encoder = new RecordEncoder(new RecordDecoder(config.registryUrl));
    return { module: SignalModule, controllers: [SignalController], providers: [{ provide: SIGNAL_CONFIG, useValue: config }, { provide: RecordEncoder, useValue: encoder }] };
  }
}
