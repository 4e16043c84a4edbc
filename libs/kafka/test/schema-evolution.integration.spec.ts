import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { LOCAL_STACK } from '@md/config';
import { TOPICS } from '@md/contracts';
import { SchemaCodec, valueSchemaOf, type AvroSchema } from '../src';
import { uniqueId } from '@md/testing';

// Integration: the real registry (Apicurio, Confluent-compatible API) enforces BACKWARD.

describe('schema evolution under BACKWARD compatibility (integration)', () => {
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
  const subject = `${uniqueId('evolution-')}-value`.toLowerCase();
  const base = valueSchemaOf(TOPICS.rawBars);
  const register = (schema: AvroSchema) =>
    codec.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject, compatibility: COMPATIBILITY.BACKWARD });

  it('accepts a new optional field with a default, and new readers still read old records', async () => {
    const v1 = await register(base);
    const old = await codec.registry.encode(v1.id, {
      symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime: 1_688_995_800_000_000, ingestTime: 1_688_995_800_000_000,
      open: '17.90000000', high: '17.91000000', low: '17.90000000', close: '17.91000000', volume: 3057, tradeCount: null, vwap: null, revision: 0,
    });
    const v2Schema = { ...base, fields: [...base.fields, { name: 'exchange', type: ['null', 'string'], default: null }] };
    const v2 = await register(v2Schema);
    expect(v2.id).not.toBe(v1.id);
    const decoded = await codec.registry.decode(old, { [SchemaType.AVRO]: { readerSchema: v2Schema as any } });
    expect(decoded).toMatchObject({ symbol: 'DBB', close: '17.91000000', exchange: null });
  });

  it('rejects a new required field without a default', async () => {
    const broken = { ...base, fields: [...base.fields, { name: 'venue', type: 'string' }] };
    await expect(register(broken)).rejects.toThrow(/409|incompatible|compatib/i);
  });

  it('rejects changing a price from decimal bytes to a double', async () => {
    const broken = { ...base, fields: base.fields.map((f) => (f.name === 'close' ? { ...f, type: 'double' } : f)) };
    await expect(register(broken)).rejects.toThrow(/409|incompatible|compatib/i);
  });
});
