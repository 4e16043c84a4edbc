import { DynamicModule, Global, Module } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { createKafka } from './kafka-client';
import { SchemaCodec } from './schema-codec';
import { StageKit } from './stage-kit';

export interface KafkaModuleOptions {
  clientId: string;
  brokers: string[];
  registryUrl: string;
}

/** Factory providers for the broker client, the schema codec and the stage kit, shared by a service's parts. */
@Global()
@Module({})
export class KafkaModule {
  static forService(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: Kafka, useFactory: () => createKafka(options.clientId, options.brokers) },
        { provide: SchemaCodec, useFactory: () => new SchemaCodec(options.registryUrl) },
        StageKit,
      ],
      exports: [Kafka, SchemaCodec, StageKit],
    };
  }
}
