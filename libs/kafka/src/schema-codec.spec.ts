import { Logger } from '@nestjs/common';
import { InvalidRecordError, TOPICS, TransientError } from '@md/contracts';
import { SchemaCodec } from './schema-codec';
import type { SubjectVersion } from './writer-schema-guard';

/** Confluent frame: magic byte 0, the schema id (big-endian int32), then the Avro body. */
function frame(id: number, body = Buffer.from([2, 0x41])): Buffer {
  const head = Buffer.alloc(5);
  head.writeInt32BE(id, 1);
  return Buffer.concat([head, body]);
}

/** A codec whose registry is a table of id -> registrations; Avro decoding is stubbed. */
function codecWith(table: Record<number, SubjectVersion[]>) {
  const asked: number[] = [];
  const codec = new SchemaCodec('http://127.0.0.1:9/apis/ccompat/v7', {
    subjectVersions: async (id) => {
      asked.push(id);
      return table[id] ?? [];
    },
  });
  const decoded = jest.spyOn(codec.registry, 'decode').mockResolvedValue({ symbol: 'A' });
  return { codec, asked, decoded };
}

describe('SchemaCodec.decode defends the topic it reads', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'warn', 'error']));

  it("refuses a record written with another subject's schema id, before any Avro decoding", async () => {
    const { codec, decoded } = codecWith({ 4: [{ subject: 'md.bars.v1-value', version: 1 }] });
    const refusal = codec.decode(TOPICS.rawBars, frame(4));
    await expect(refusal).rejects.toBeInstanceOf(InvalidRecordError);
    await expect(refusal).rejects.toThrow(/writer schema id 4 is not a registered version of md\.raw\.bars\.v1-value: the registry has it as md\.bars\.v1-value version 1/);
    expect(decoded).not.toHaveBeenCalled();
  });

  it("decodes a record written with a version of its topic's subject, asking the registry about the id once", async () => {
    const { codec, asked, decoded } = codecWith({ 3: [{ subject: 'md.raw.bars.v1-value', version: 1 }] });
    await expect(codec.decode(TOPICS.rawBars, frame(3))).resolves.toEqual({ symbol: 'A' });
    await expect(codec.decode(TOPICS.rawBars, frame(3))).resolves.toEqual({ symbol: 'A' });
    expect(asked).toEqual([3]);
    expect(decoded).toHaveBeenCalledTimes(2);
  });

  it('checks the same id again for another topic', async () => {
    const { codec, asked } = codecWith({ 3: [{ subject: 'md.raw.bars.v1-value', version: 1 }] });
    await codec.decode(TOPICS.rawBars, frame(3));
    await expect(codec.decode(TOPICS.bars, frame(3))).rejects.toThrow(InvalidRecordError);
    expect(asked).toEqual([3, 3]);
  });

  it('trusts the id it registered for a topic without asking', async () => {
    const { codec, asked } = codecWith({});
    jest.spyOn(codec.registry, 'register').mockResolvedValue({ id: 11 });
    await codec.registerTopic(TOPICS.bars);
    await expect(codec.decode(TOPICS.bars, frame(11))).resolves.toEqual({ symbol: 'A' });
    expect(asked).toEqual([]);
  });

  it('retries (TransientError) when the registry cannot say where an id belongs', async () => {
    const codec = new SchemaCodec('http://127.0.0.1:9/apis/ccompat/v7', {
      subjectVersions: async () => {
        throw new TransientError('schema registry did not answer');
      },
    });
    await expect(codec.decode(TOPICS.rawBars, frame(3))).rejects.toBeInstanceOf(TransientError);
  });

  it('refuses bytes that are not a Confluent frame', async () => {
    const { codec, asked } = codecWith({});
    await expect(codec.decode(TOPICS.rawBars, Buffer.from('{"symbol":"A"}'))).rejects.toThrow(/not Confluent-framed Avro/);
    await expect(codec.decode(TOPICS.rawBars, null)).rejects.toThrow(InvalidRecordError);
    expect(asked).toEqual([]);
  });
});
