import * as avro from 'avsc';

/**
 * Avro `decimal` (Avro 1.11 spec, "Decimal": bytes holding the unscaled value as big-endian two's
 * complement) as an exact decimal string with `scale` digits after the point, e.g. "187.43000000".
 * avsc has no decimal type of its own and would hand out raw bytes; a float would lose cents.
 */
export class DecimalType extends avro.types.LogicalType {
  private readonly scale: number;

  constructor(attrs: any, opts?: any) {
    super(attrs, opts);
    this.scale = attrs.scale ?? 0;
  }

  protected override _fromValue(value: Buffer): string {
    return formatUnscaled(unscaledOf(value), this.scale);
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    // avsc probes union branches through _toValue: `undefined` means "not this branch".
    if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) return undefined;
    const [whole, fraction = ''] = value.replace('-', '').split('.');
    if (fraction.length > this.scale) return undefined;
    const unscaled = BigInt(whole + fraction.padEnd(this.scale, '0')) * (value.startsWith('-') ? -1n : 1n);
    return unscaledBytes(unscaled);
  }

  protected override _resolve(type: avro.Type): ((x: any) => any) | undefined {
    if (avro.Type.isType(type, 'logical:decimal') && (type as any).scale === this.scale) return (x) => x;
    return undefined;
  }
}

/** The signed integer in big-endian two's complement bytes. */
export function unscaledOf(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  const value = BigInt(`0x${bytes.toString('hex')}`);
  return bytes[0] & 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}

/** Minimal big-endian two's complement (one sign bit kept). */
export function unscaledBytes(value: bigint): Buffer {
  let bytes = 1;
  while (value >= 1n << BigInt(bytes * 8 - 1) || value < -(1n << BigInt(bytes * 8 - 1))) bytes++;
  const unsigned = value < 0n ? (1n << BigInt(bytes * 8)) + value : value;
  return Buffer.from(unsigned.toString(16).padStart(bytes * 2, '0'), 'hex');
}

/** "-12.34000000" for -1234000000n at scale 8. */
export function formatUnscaled(value: bigint, scale: number): string {
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return value < 0n ? `-${body}` : body;
}
