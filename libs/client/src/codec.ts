import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type * as avro from 'avsc';
import { registryConnection, type RegistryOptions } from './connection';
import { DecimalType } from './decimal';
import { MicrosType, timeConverter, type Converter } from './times';

/**
 * Decodes the platform's records: the Confluent wire format (magic byte 0, 4-byte schema id,
 * Avro body; Confluent docs "Wire format"), the writer schema fetched by id from the registry
 * and cached, decimals as exact strings, timestamp-micros as a Date plus `<field>Micros`.
 */
export class RecordDecoder {
  readonly registry: SchemaRegistry;
  private readonly converters = new Map<number, Promise<Converter>>();

  constructor(registry: string | RegistryOptions) {
    const c = registryConnection(registry);
    this.registry = new SchemaRegistry(
      {
        host: c.host, agent: c.agent, retry: { retries: 3 },
        middlewares: c.authorization ? [() => ({ request: (req: any) => req.enhance({ headers: { authorization: c.authorization } }) })] : [],
      },
      { [SchemaType.AVRO]: { logicalTypes: { decimal: DecimalType, 'timestamp-micros': MicrosType } } },
    );
  }

  async decode<T = Record<string, unknown>>(buffer: Buffer | null): Promise<T> {
    if (!buffer || buffer.length < 5 || buffer[0] !== 0) throw new Error('not a registry-framed Avro record (expected magic byte 0 and a schema id)');
    const id = buffer.readInt32BE(1);
    let converter = this.converters.get(id);
    if (!converter) {
      converter = this.registry.getSchema(id).then((type) => timeConverter(type as unknown as avro.Type));
      converter.catch(() => this.converters.delete(id));
      this.converters.set(id, converter);
    }
    const [convert, value] = await Promise.all([converter, this.registry.decode(buffer)]);
    return convert(value) as T;
  }
}
