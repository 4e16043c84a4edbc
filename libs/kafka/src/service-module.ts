import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { CONFIG, kafkaConnectionOf, registryConnectionOf, type ConnectionSettings, type ServiceName } from '@md/config';
import { ObservabilityModule, type AccessConfig } from '@md/observability';
import { KafkaModule } from './kafka.module';

/** The connection fields of commonConfig (brokers, registry, their TLS and credentials) and the API's access settings. */
export type ServiceModuleConfig = ConnectionSettings & AccessConfig;

/**
 * A service's root module: health, readiness and metrics, the broker client, codec and stage
 * kit, its parsed config under CONFIG, and its own controllers and providers. Every app's
 * AppModule.with(config) is this one call.
 */
export function serviceModule(
  module: Type<unknown>,
  service: ServiceName,
  config: ServiceModuleConfig,
  parts: { controllers?: Type<unknown>[]; providers?: Provider[] } = {},
): DynamicModule {
  return {
    module,
    imports: [
      ObservabilityModule.forService(service, config),
      KafkaModule.forService({ clientId: `md-${service}`, kafka: kafkaConnectionOf(config), registry: registryConnectionOf(config) }),
    ],
    controllers: parts.controllers ?? [],
    providers: [{ provide: CONFIG, useValue: config }, ...(parts.providers ?? [])],
  };
}
