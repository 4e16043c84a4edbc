import * as avro from 'avsc';
import { MicrosType, timeConverter } from './times';

const schema = {
  type: 'record', name: 'T', fields: [
    { name: 'eventTime', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'availableTime', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }] },
    { name: 'count', type: 'long' },
    { name: 'segments', type: { type: 'array', items: { type: 'record', name: 'S', fields: [{ name: 'from', type: { type: 'long', logicalType: 'timestamp-micros' } }] } } },
  ],
};

describe('timestamp-micros fields', () => {
  const type = avro.Type.forSchema(schema as any, { logicalTypes: { 'timestamp-micros': MicrosType } });
  const convert = timeConverter(type);

  it('become a Date and exact micros, nested records included; other longs stay numbers', () => {
    const decoded = type.fromBuffer(type.toBuffer({ eventTime: 1_719_840_600_123_456, availableTime: null, count: 7, segments: [{ from: 1_000_001 }] }));
    const out = convert(decoded);
    expect(out.eventTime).toEqual(new Date('2024-07-01T13:30:00.123Z'));
    expect(out.eventTimeMicros).toBe(1_719_840_600_123_456);
    expect(out.availableTime).toBeNull();
    expect(out.count).toBe(7);
    expect(out.segments).toEqual([{ from: new Date(1000), fromMicros: 1_000_001 }]);
  });

  it('converts the non-null branch of a union', () => {
    const out = convert(type.fromBuffer(type.toBuffer({ eventTime: 0, availableTime: 60_000_000, count: 0, segments: [] })));
    expect(out.availableTime).toEqual(new Date(60_000));
    expect(out.availableTimeMicros).toBe(60_000_000);
  });
});
