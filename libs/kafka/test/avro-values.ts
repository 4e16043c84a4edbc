// Avro values walked by their schema, for tests that compare two decoders: a sample value for any
// of our schemas (so a test covers every topic, whatever fields the schemas grow), and one plain
// form both decoders' outputs reduce to. avsc (through SchemaCodec) gives unwrapped unions and
// decimal strings; avro-js gives wrapped unions ({"string": "x"}) and decimals as the raw bytes.
// Decimals compare as their unscaled integer, computed here without the codec's own helpers.

type Schema = string | Schema[] | { type: unknown; [key: string]: unknown };
type Named = { type: string; name: string; namespace?: string; [key: string]: unknown };

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const BASE_TIME_MICROS = 1_700_000_000_000_000;

/** Named types (records, enums) by full and short name, as the schema defines them. */
class Names {
  private readonly types = new Map<string, Named>();

  resolve(schema: Schema, namespace?: string): Exclude<Schema, string> | string {
    if (typeof schema !== 'string' || PRIMITIVES.has(schema)) return schema;
    const found = this.types.get(schema) ?? this.types.get(`${namespace}.${schema}`);
    if (!found) throw new Error(`undefined Avro type name ${schema}`);
    return found;
  }

  define(named: Named, namespace?: string): string | undefined {
    const ns = named.name.includes('.') ? undefined : (named.namespace ?? namespace);
    this.types.set(ns ? `${ns}.${named.name}` : named.name, named);
    this.types.set(named.name.split('.').pop()!, named);
    return named.namespace ?? namespace;
  }
}

function typeName(schema: Schema): string {
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema)) return 'union';
  const t = schema.type;
  return typeof t === 'string' ? t : typeName(t as Schema);
}

function isDecimal(schema: Schema): schema is { type: 'bytes'; scale?: number } {
  return typeof schema === 'object' && !Array.isArray(schema) && schema.logicalType === 'decimal';
}

/** A valid value of `schema` as SchemaCodec.encode takes it; `seed` varies the values. */
export function sampleValue(schema: unknown, seed: number): unknown {
  return sample(schema as Schema, seed, new Names());
}

/** One plain form of a decoded value: unions unwrapped, decimals as { unscaled } bigints. */
export function plainValue(schema: unknown, value: unknown, from: 'avsc' | 'avro-js'): unknown {
  return plain(schema as Schema, value, from, new Names());
}

function sample(schema: Schema, seed: number, names: Names, namespace?: string): unknown {
  const s = names.resolve(schema, namespace);
  if (Array.isArray(s)) return sample(s.find((b) => b !== 'null') ?? 'null', seed, names, namespace);
  if (isDecimal(s)) {
    const scale = s.scale ?? 0;
    const fraction = String((seed * 12_345_679) % 10 ** scale).padStart(scale, '0');
    // one value past 2^47 unscaled, the codec's bigint path
    const whole = seed % 3 === 0 ? '123456789012' : String(seed + 16);
    return scale ? `${whole}.${fraction}` : whole;
  }
  const inner = typeof s === 'string' ? s : (s.type as Schema);
  if (typeof s === 'object' && typeof inner === 'object') return sample(inner, seed, names, namespace);
  switch (typeName(s)) {
    case 'null': return null;
    case 'boolean': return seed % 2 === 0;
    case 'int': return seed * 3 + 1;
    case 'long': return typeof s === 'object' && s.logicalType === 'timestamp-micros' ? BASE_TIME_MICROS + seed * 60_000_000 : seed * 1_000 + 7;
    case 'float':
    case 'double': return seed + 0.25;
    case 'string': return `s${seed}`;
    case 'bytes': return Buffer.from([seed & 0xff, 0xfe]);
  }
  const named = s as Named;
  switch (named.type) {
    case 'enum': names.define(named, namespace); return (named.symbols as string[])[seed % (named.symbols as string[]).length];
    case 'array': return [sample(named.items as Schema, seed, names, namespace), sample(named.items as Schema, seed + 1, names, namespace)];
    case 'map': return { [`k${seed}`]: sample(named.values as Schema, seed, names, namespace) };
    case 'record': {
      const ns = names.define(named, namespace);
      const fields = named.fields as Array<{ name: string; type: Schema }>;
      return Object.fromEntries(fields.map((f, i) => [f.name, sample(f.type, seed + i, names, ns)]));
    }
  }
  throw new Error(`sampleValue: unsupported Avro type ${JSON.stringify(s)}`);
}

/** Unscaled integer of a decimal string with exactly `scale` fraction digits. */
function unscaledOfText(text: string): bigint {
  return BigInt(text.replace('.', ''));
}

/** Unscaled integer of Avro decimal bytes: big-endian two's complement (Avro spec, Decimal). */
function unscaledOfBytes(bytes: Buffer): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return bytes.length && bytes[0] & 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}

function plain(schema: Schema, value: unknown, from: 'avsc' | 'avro-js', names: Names, namespace?: string): unknown {
  const s = names.resolve(schema, namespace);
  if (Array.isArray(s)) {
    if (value === null) return null;
    if (from === 'avsc') return plain(s.find((b) => b !== 'null')!, value, from, names, namespace);
    const [[branch, inner]] = Object.entries(value as Record<string, unknown>);
    const match = s.find((b) => b !== 'null' && [typeName(names.resolve(b, namespace)), (names.resolve(b, namespace) as Named).name].some((n) => n === branch || branch.endsWith(`.${n}`)));
    if (!match) throw new Error(`avro-js union branch ${branch} is not in ${JSON.stringify(s)}`);
    return plain(match, inner, from, names, namespace);
  }
  if (isDecimal(s)) return { unscaled: from === 'avsc' ? unscaledOfText(value as string) : unscaledOfBytes(value as Buffer) };
  if (typeof s === 'string' || PRIMITIVES.has(typeName(s))) return value;
  const named = s as Named;
  if (typeof named.type === 'object') return plain(named.type as Schema, value, from, names, namespace);
  switch (named.type) {
    case 'enum': names.define(named, namespace); return value;
    case 'array': return (value as unknown[]).map((v) => plain(named.items as Schema, v, from, names, namespace));
    case 'map': return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(named.values as Schema, v, from, names, namespace)]));
    case 'record': {
      const ns = names.define(named, namespace);
      const fields = named.fields as Array<{ name: string; type: Schema }>;
      return Object.fromEntries(fields.map((f) => [f.name, plain(f.type, (value as Record<string, unknown>)[f.name], from, names, ns)]));
    }
  }
  throw new Error(`plainValue: unsupported Avro type ${JSON.stringify(s)}`);
}
