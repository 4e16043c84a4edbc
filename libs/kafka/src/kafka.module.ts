import { DynamicModule, Global, Module } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { createKafka } from './kafka-client';
import { SchemaCodec } from './schema-codec';

export interface KafkaModuleOptions {
  clientId: string;
  brokers: string[];
  registryUrl: string;
}

/** Factory providers for the broker client and the schema codec, shared by a service's parts. */
@Global()
@Module({})
export class KafkaModule {
  static forService(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: Kafka, useFactory: () => createKafka(options.clientId, options.brokers) },
        { provide: SchemaCodec, useFactory: () => new SchemaCodec(options.registryUrl) },
      ],
      exports: [Kafka, SchemaCodec],
    };
  }
}
