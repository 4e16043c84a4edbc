import { DynamicModule, Global, Module } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import type { KafkaConnection, RegistryConnection } from '@md/config';
import { AUDIT_SINK } from '@md/observability';
import { KafkaAuditPublisher } from './audit-publisher';
import { createKafka } from './kafka-client';
import { SchemaCodec } from './schema-codec';
import { StageKit } from './stage-kit';

export interface KafkaModuleOptions {
  clientId: string;
  kafka: KafkaConnection;
  registry: RegistryConnection;
}

/** Factory providers for the broker client, the schema codec and the stage kit, shared by a service's parts. */
@Global()
@Module({})
export class KafkaModule {
  static forService(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: Kafka, useFactory: () => createKafka(options.clientId, options.kafka) },
        { provide: SchemaCodec, useFactory: () => new SchemaCodec(options.registry) },
        StageKit,
        // The API's audit records to md.audit.v1 (ObservabilityModule's guard writes them).
        { provide: AUDIT_SINK, useClass: KafkaAuditPublisher },
      ],
      exports: [Kafka, SchemaCodec, StageKit, AUDIT_SINK],
    };
  }
}
