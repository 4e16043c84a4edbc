import { RecordDecoder } from './codec';
import type { RegistryOptions } from './connection';

/** The message @nestjs/microservices' Kafka transport hands its deserializer (after its KafkaParser). */
export interface NestKafkaMessage {
  value: unknown;
  key?: unknown;
  topic?: string;
  partition?: number;
  offset?: string;
  timestamp?: string;
}

/**
 * A deserializer for the Kafka transport of @nestjs/microservices (options.deserializer): the
 * transport's parser leaves a value that starts with byte 0 (the Confluent wire format) as a
 * Buffer, and this decodes it like `subscribe` does, so an @EventPattern('md.features.v1')
 * handler receives a typed FeatureVector. Structural: the client does not depend on Nest.
 */
export class AvroDeserializer {
  private readonly decoder: RecordDecoder;

  constructor(registry: RecordDecoder | string | RegistryOptions) {
    this.decoder = registry instanceof RecordDecoder ? registry : new RecordDecoder(registry);
  }

  async deserialize(message: NestKafkaMessage, options?: { channel?: string }): Promise<{ pattern: string | undefined; data: unknown }> {
    const data = Buffer.isBuffer(message.value) ? await this.decoder.decode(message.value) : message.value;
    return { pattern: options?.channel ?? message.topic, data };
  }
}
