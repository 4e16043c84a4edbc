import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { AvroDeserializer } from '@md-platform/client';
import { logLevel } from 'kafkajs';
import type { SignalConfig } from './signal-config';
import { SignalModule } from './signal.module';

/**
 * The Kafka transport of @nestjs/microservices (NestJS docs, "Microservices > Kafka").
 * - deserializer: the transport's parser leaves a value that starts with byte 0 (the Confluent
 *   wire format) as a Buffer; AvroDeserializer decodes it with the registry's writer schema, so
 *   the handler gets a typed FeatureVector (times as Dates plus `<field>Micros`).
 * - readUncommitted false: read_committed, only records of committed transactions (KIP-98); the
 *   feature engine publishes in transactions and an aborted one must not make a signal.
 * - postfixId '': Nest appends '-server' to the clientId and groupId by default; without it the
 *   group is exactly SIGNAL_GROUP_ID, the name operators and offset tools see.
 * - subscribe.fromBeginning false: a new group starts at the end of md.features.v1 (Kafka's
 *   auto.offset.reset=latest), not at 30 days of history.
 * - logLevel WARN: kafkajs logs go through Nest's Logger (the transport's KafkaLogger); its INFO
 *   lines (every join and stop) are noise in a service's log.
 */
export function signalTransport(config: SignalConfig): MicroserviceOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'example-signal', brokers: config.brokers, logLevel: logLevel.WARN },
      consumer: { groupId: config.groupId, readUncommitted: false, allowAutoTopicCreation: false },
      postfixId: '',
      subscribe: { fromBeginning: false },
      deserializer: new AvroDeserializer(config.registryUrl),
    },
  };
}

/** The microservice, created but not listening yet (main.ts and the test call listen()). */
export function createSignalService(config: SignalConfig): Promise<INestMicroservice> {
  return NestFactory.createMicroservice<MicroserviceOptions>(SignalModule.register(config), {
    ...signalTransport(config),
    logger: ['log', 'warn', 'error'],
  });
}
