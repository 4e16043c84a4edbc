import fc from 'fast-check';
import { compareDecimal, fromScaled, parseDecimal, toScaled, toScaledNumber } from './decimal';

describe('exact decimal prices', () => {
  it('canonicalises to eight fraction digits', () => {
    expect(parseDecimal('17.921')).toBe('17.92100000');
    expect(parseDecimal('007')).toBe('7.00000000');
    expect(parseDecimal('-0.0')).toBe('0.00000000');
  });

  it('rejects what is not a plain decimal number', () => {
    for (const bad of ['abc', 'NaN', 'Infinity', '1e5', '', '1.2.3', '0x10']) {
      expect(() => parseDecimal(bad)).toThrow(/not a decimal/);
    }
  });

  it('rejects more precision than numeric(20,8) holds instead of rounding', () => {
    expect(() => parseDecimal('1.123456789')).toThrow(/fraction digits/);
    expect(() => parseDecimal('1234567890123')).toThrow(/integer digits/);
  });

  it('compares without float rounding', () => {
    expect(compareDecimal('0.30000001', '0.30000000')).toBe(1);
    expect(compareDecimal('17.9', '17.90000000')).toBe(0);
  });

  it('scales and unscales losslessly', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n }), (v) => toScaled(fromScaled(v)) === v));
  });
});

describe('scaled numbers on the hot path', () => {
  it('agree with the bigint path wherever they are exact', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }), (v) => {
      const text = fromScaled(v);
      return BigInt(toScaledNumber(text)!) === v && toScaled(text) === v;
    }));
  });

  it('gives up beyond 2^53 rather than round', () => {
    expect(toScaledNumber('123456789012.12345678')).toBeUndefined();
    expect(compareDecimal('123456789012.12345678', '123456789012.12345679')).toBe(-1);
  });

  it('accepts non-canonical text too', () => {
    expect(toScaledNumber('17.9')).toBe(1_790_000_000);
  });
});
