import * as avro from 'avsc';
import { DecimalType, formatUnscaled, unscaledBytes, unscaledOf } from './decimal';

const type = avro.Type.forSchema({ type: 'bytes', logicalType: 'decimal', precision: 20, scale: 8 } as any, { logicalTypes: { decimal: DecimalType } });

describe('Avro decimal as exact strings', () => {
  it('reads the spec example bytes: two\'s complement, big-endian', () => {
    // 0xFF85 = -123 unscaled; 0x00FF = 255 (the leading zero keeps it positive).
    expect(formatUnscaled(unscaledOf(Buffer.from([0xff, 0x85])), 2)).toBe('-1.23');
    expect(formatUnscaled(unscaledOf(Buffer.from([0x00, 0xff])), 2)).toBe('2.55');
    expect(formatUnscaled(unscaledOf(Buffer.from([])), 8)).toBe('0.00000000');
  });

  it('round-trips prices past 2^53 unscaled and below one cent', () => {
    for (const price of ['12345678901.12345678', '-99999999999.99999999', '0.00000001', '187.43000000', '0.00000000']) {
      expect(type.fromBuffer(type.toBuffer(price))).toBe(price);
    }
  });

  it('writes the minimal two\'s complement', () => {
    expect(unscaledBytes(127n).toString('hex')).toBe('7f');
    expect(unscaledBytes(128n).toString('hex')).toBe('0080');
    expect(unscaledBytes(-128n).toString('hex')).toBe('80');
    expect(unscaledBytes(-129n).toString('hex')).toBe('ff7f');
  });

  it('refuses a value with more places than the scale instead of rounding it', () => {
    expect(() => type.toBuffer('1.123456789')).toThrow();
  });
});
