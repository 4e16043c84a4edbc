import { Module, type DynamicModule } from '@nestjs/common';
import { SIGNAL_CONFIG, type SignalConfig } from './signal-config';
import { SignalController } from './signal.controller';

@Module({})
export class SignalModule {
  static register(config: SignalConfig): DynamicModule {
    return { module: SignalModule, controllers: [SignalController], providers: [{ provide: SIGNAL_CONFIG, useValue: config }] };
  }
}
