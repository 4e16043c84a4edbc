import type { RecordDecoder } from './codec';

/**
 * Encodes values for a platform topic in the Confluent wire format, with the schema the platform
 * registered for it (subject `<topic>-value`, TopicNameStrategy), fetched once per topic: a
 * service publishing md.signals.v1 writes exactly the contract the platform's writer reads.
 * Decimals as exact strings, timestamp-micros as microsecond numbers, as the decoder gives them.
 * It shares the decoder's registry client (one connection, its auth and TLS).
 */
export class RecordEncoder {
  private readonly ids = new Map<string, Promise<number>>();

  constructor(private readonly decoder: RecordDecoder) {}

  async encode(topic: string, value: object): Promise<Buffer> {
    let id = this.ids.get(topic);
    if (!id) {
      id = this.decoder.registry.getLatestSchemaId(`${topic}-value`);
      id.catch(() => this.ids.delete(topic));
      this.ids.set(topic, id);
    }
    return this.decoder.registry.encode(await id, value);
  }
}
