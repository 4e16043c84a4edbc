import * as avro from 'avsc';
import fc from 'fast-check';
import { fromScaled } from '@md/market';
import { bigIntToBytes, bytesToBigInt, DecimalType } from './avro-decimal';

describe('Avro decimal logical type', () => {
  const type = avro.Type.forSchema(
    { type: 'bytes', logicalType: 'decimal', precision: 20, scale: 8 } as any,
    { logicalTypes: { decimal: DecimalType } },
  );

  it('round-trips prices exactly, including ones a double cannot hold', () => {
    for (const price of ['17.92100000', '0.00000001', '123456789012.12345678', '-5.00000000']) {
      expect(type.fromBuffer(type.toBuffer(price))).toBe(price);
    }
  });

  it('writes the two-complement bytes the Avro spec prescribes', () => {
    expect(bigIntToBytes(0n).toString('hex')).toBe('00');
    expect(bigIntToBytes(127n).toString('hex')).toBe('7f');
    expect(bigIntToBytes(128n).toString('hex')).toBe('0080');
    expect(bigIntToBytes(-1n).toString('hex')).toBe('ff');
    expect(bigIntToBytes(-129n).toString('hex')).toBe('ff7f');
  });

  it('decodes what it encodes for any 20-digit unscaled value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n) + 1n, max: 10n ** 20n - 1n }), (v) => bytesToBigInt(bigIntToBytes(v)) === v),
    );
  });

  it('refuses a value with more fraction digits than the scale', () => {
    expect(() => type.toBuffer('1.123456789')).toThrow(/fraction digits/);
  });
});

describe('Avro decimal fast path', () => {
  const type = avro.Type.forSchema(
    { type: 'bytes', logicalType: 'decimal', precision: 20, scale: 8 } as any,
    { logicalTypes: { decimal: DecimalType } },
  );

  it('writes the same bytes as the bigint path on either side of the 6-byte boundary', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 50n), max: 2n ** 50n }), (v) => {
      const text = fromScaled(v);
      const bytes = type.toBuffer(text);
      return type.fromBuffer(bytes) === text && bytes.subarray(1).equals(bigIntToBytes(v));
    }));
  });
});

describe('Avro decimal inside a nullable union', () => {
  const type = avro.Type.forSchema(
    { type: 'record', name: 'R', fields: [{ name: 'vwap', type: ['null', { type: 'bytes', logicalType: 'decimal', precision: 20, scale: 8 }], default: null }] } as any,
    { logicalTypes: { decimal: DecimalType } },
  );

  it('encodes null and a price through the right branch', () => {
    expect(type.fromBuffer(type.toBuffer({ vwap: null }))).toEqual({ vwap: null });
    expect(type.fromBuffer(type.toBuffer({ vwap: '17.91000000' }))).toEqual({ vwap: '17.91000000' });
  });

  it('still refuses a value that is neither', () => {
    expect(() => type.toBuffer({ vwap: 17.91 })).toThrow();
  });
});
