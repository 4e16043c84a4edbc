import { readdirSync } from 'node:fs';
import * as avro from 'avsc';
import { createType, type AvroJsType } from 'avro-js/lib/schemas';
import { TOPIC_TABLE, TOPICS, type TopicSpec } from '@md/contracts';
import { DecimalType } from './avro-decimal';
import { loadSchemaFile, schemasDirectory } from './schemas';
import { DECIMAL_EDGES, INTEROP_RECORDS, MICROS_EDGES } from './avro-interop.fixture';

// Our codec (avsc plus our DecimalType, as SchemaCodec builds it) against Apache Avro's own
// JavaScript implementation, avro-js, in both directions, for every topic's schema. avro-js is
// given no logical types: decimals reach this test as raw bytes and unions wrapped ({"long": 1}),
// so the conversions below follow the Avro 1.11 specification, not our code: "Decimal" (bytes
// holding the big-endian two's-complement unscaled value), "Unions" (a null-or-X value), and
// "timestamp-micros" (a long of microseconds since the epoch, UTC).

type Schema = any;
type JsType = AvroJsType & { toBuffer(value: unknown): Buffer };
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Decimal bytes to text with `scale` fraction digits, with BigInt (Avro 1.11 spec, Decimal). */
export function decimalText(bytes: Buffer, scale: number): string {
  let unscaled = 0n;
  for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
  if (bytes.length > 0 && bytes[0] & 0x80) unscaled -= 1n << BigInt(8 * bytes.length);
  const sign = unscaled < 0n ? '-' : '';
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Decimal text to the shortest two's-complement bytes of its unscaled value. */
function decimalBytes(text: string, scale: number): Buffer {
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  if (fraction.length !== scale) throw new Error(`${text} does not have ${scale} fraction digits`);
  const unscaled = (text.startsWith('-') ? -1n : 1n) * BigInt(whole + fraction);
  let length = 1;
  while (unscaled >= 1n << BigInt(8 * length - 1) || unscaled < -(1n << BigInt(8 * length - 1))) length++;
  const unsigned = unscaled < 0n ? (1n << BigInt(8 * length)) + unscaled : unscaled;
  return Buffer.from(unsigned.toString(16).padStart(2 * length, '0'), 'hex');
}

/** Every named type of a schema by full and short name, so references ("Regime") resolve. */
function namedTypes(schema: Schema, namespace = '', names = new Map<string, Schema>()): Map<string, Schema> {
  if (Array.isArray(schema)) schema.forEach((s) => namedTypes(s, namespace, names));
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return names;
  const ns = schema.namespace ?? namespace;
  if (schema.name) names.set(`${ns}.${schema.name}`, schema).set(schema.name, schema);
  for (const f of schema.fields ?? []) namedTypes(f.type, ns, names);
  for (const inner of [schema.items, schema.values, typeof schema.type === 'object' ? schema.type : undefined]) if (inner) namedTypes(inner, ns, names);
  return names;
}

const resolve = (s: Schema, names: Map<string, Schema>) => (typeof s === 'string' && !PRIMITIVES.has(s) ? names.get(s) : s);

/** The key avro-js wraps a union branch in: the primitive or full name of the branch. */
function branchName(s: Schema, names: Map<string, Schema>): string {
  const r = resolve(s, names);
  if (typeof r === 'string') return r;
  if (r.name) return [...names.entries()].find(([k, v]) => v === r && k.includes('.'))?.[0] ?? r.name;
  return typeof r.type === 'string' ? r.type : branchName(r.type, names);
}

/** avro-js's decoded value in the shape our records have: unions unwrapped, decimals as text. */
function fromAvroJs(schema: Schema, value: any, names: Map<string, Schema>): unknown {
  const s = resolve(schema, names);
  if (Array.isArray(s)) {
    if (value === null) return null;
    const [[key, inner]] = Object.entries(value);
    const branch = s.find((b) => branchName(b, names) === key);
    if (!branch) throw new Error(`avro-js branch ${key} is not one of ${JSON.stringify(s)}`);
    return fromAvroJs(branch, inner, names);
  }
  if (typeof s === 'string') return value;
  if (s.logicalType === 'decimal') return decimalText(value, s.scale ?? 0);
  if (typeof s.type === 'object') return fromAvroJs(s.type, value, names);
  if (s.type === 'record') return Object.fromEntries(s.fields.map((f: Schema) => [f.name, fromAvroJs(f.type, value[f.name], names)]));
  if (s.type === 'array') return value.map((v: unknown) => fromAvroJs(s.items, v, names));
  if (s.type === 'map') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromAvroJs(s.values, v, names)]));
  return value; // enum symbols, and primitives written as { type: 'long', logicalType: 'timestamp-micros' }
}

/** A record in avro-js's input shape: unions wrapped in their branch name, decimals as bytes. */
function toAvroJs(schema: Schema, value: any, names: Map<string, Schema>): unknown {
  const s = resolve(schema, names);
  if (Array.isArray(s)) {
    if (value === null) return null;
    const branches = s.filter((b) => b !== 'null');
    if (branches.length !== 1) throw new Error(`not a null-or-X union: ${JSON.stringify(s)}`);
    return { [branchName(branches[0], names)]: toAvroJs(branches[0], value, names) };
  }
  if (typeof s === 'string') return value;
  if (s.logicalType === 'decimal') return decimalBytes(value, s.scale ?? 0);
  if (typeof s.type === 'object') return toAvroJs(s.type, value, names);
  if (s.type === 'record') return Object.fromEntries(s.fields.map((f: Schema) => [f.name, toAvroJs(f.type, value[f.name], names)]));
  if (s.type === 'array') return value.map((v: unknown) => toAvroJs(s.items, v, names));
  if (s.type === 'map') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAvroJs(s.values, v, names)]));
  return value;
}

/** The top-level fields whose type, or whose non-null union branch, is `test`. */
function fieldsWhere(schema: Schema, test: (t: Schema) => boolean): string[] {
  const inner = (t: Schema) => (Array.isArray(t) ? t.find((b) => b !== 'null') : t);
  return schema.fields.filter((f: Schema) => typeof inner(f.type) === 'object' && test(inner(f.type))).map((f: Schema) => f.name);
}

interface Codecs { schema: Schema; names: Map<string, Schema>; ours: avro.Type; theirs: JsType }

function codecsOf(spec: TopicSpec): Codecs {
  const schema = loadSchemaFile(spec.valueSchema);
  // The platform codec's options (schema-codec.ts): the decimal logical type, nothing else.
  const ours = avro.Type.forSchema(schema as avro.Schema, { logicalTypes: { decimal: DecimalType } });
  return { schema, names: namedTypes(schema), ours, theirs: createType(schema) as JsType };
}

const codecs = new Map(TOPIC_TABLE.map((t) => [t.name, codecsOf(t)]));
const withDecimals = TOPIC_TABLE.filter((t) => fieldsWhere(codecs.get(t.name)!.schema, (x) => x.logicalType === 'decimal').length > 0);
const withMicros = TOPIC_TABLE.filter((t) => fieldsWhere(codecs.get(t.name)!.schema, (x) => x.logicalType === 'timestamp-micros').length > 0);

/** avro-js's reading of the bytes our codec writes for `record`. */
function readByAvroJs(c: Codecs, record: object): unknown {
  return fromAvroJs(c.schema, c.theirs.fromBuffer(c.ours.toBuffer(record)), c.names);
}

describe('the test\'s own Avro decimal conversion (Avro 1.11 spec, Decimal)', () => {
  it('reads the two\'s-complement vectors of the specification', () => {
    expect(decimalText(Buffer.from('7f', 'hex'), 8)).toBe('0.00000127');
    expect(decimalText(Buffer.from('ff7f', 'hex'), 8)).toBe('-0.00000129');
    expect(decimalText(Buffer.from('0080', 'hex'), 2)).toBe('1.28');
    expect(decimalText(Buffer.from('ff', 'hex'), 0)).toBe('-1');
    expect(decimalBytes('-0.00000129', 8).toString('hex')).toBe('ff7f');
  });
});

describe('Avro interop: our codec (avsc + DecimalType) and Apache avro-js', () => {
  it('has realistic records for every schema in schemas/, one topic each', () => {
    const files = readdirSync(schemasDirectory()).filter((f) => f.endsWith('.avsc')).sort();
    expect(TOPIC_TABLE.map((t) => t.valueSchema).sort()).toEqual(files);
    for (const t of TOPIC_TABLE) expect({ topic: t.name, records: INTEROP_RECORDS[t.name].length > 0 }).toEqual({ topic: t.name, records: true });
  });

  it.each(TOPIC_TABLE.map((t) => [t.name, t]))('avro-js reads the values our codec writes for %s', (_name, spec) => {
    const c = codecs.get(spec.name)!;
    for (const record of INTEROP_RECORDS[spec.name]) expect(readByAvroJs(c, record)).toEqual(record);
  });

  it.each(withDecimals.map((t) => [t.name, t]))('avro-js reads every decimal edge case exactly, in every decimal field of %s', (_name, spec) => {
    const c = codecs.get(spec.name)!;
    const fields = fieldsWhere(c.schema, (x) => x.logicalType === 'decimal');
    for (const value of DECIMAL_EDGES) {
      const record = { ...INTEROP_RECORDS[spec.name][0], ...Object.fromEntries(fields.map((f) => [f, value])) };
      expect(readByAvroJs(c, record)).toEqual(record);
    }
  });

  it.each(withMicros.map((t) => [t.name, t]))('avro-js reads timestamp-micros edge cases exactly in every time field of %s', (_name, spec) => {
    const c = codecs.get(spec.name)!;
    const fields = fieldsWhere(c.schema, (x) => x.logicalType === 'timestamp-micros');
    for (const value of MICROS_EDGES) {
      const record = { ...INTEROP_RECORDS[spec.name][0], ...Object.fromEntries(fields.map((f) => [f, value])) };
      expect(readByAvroJs(c, record)).toEqual(record);
    }
  });

  it.each(TOPIC_TABLE.map((t) => [t.name, t]))('our codec reads what avro-js writes for %s, and both write the same bytes', (_name, spec) => {
    const c = codecs.get(spec.name)!;
    for (const record of INTEROP_RECORDS[spec.name]) {
      const bytes = c.theirs.toBuffer(toAvroJs(c.schema, record, c.names));
      expect(c.ours.fromBuffer(bytes)).toEqual(record);
      expect(bytes.toString('hex')).toBe(c.ours.toBuffer(record).toString('hex'));
    }
  });

  it.each([TOPICS.bars, TOPICS.rawTrades, TOPICS.optionsChain])('our codec reads the decimal edge cases avro-js writes for %s', (topic) => {
    const c = codecs.get(topic)!;
    const fields = fieldsWhere(c.schema, (x) => x.logicalType === 'decimal');
    for (const value of DECIMAL_EDGES) {
      const record = { ...INTEROP_RECORDS[topic][0], ...Object.fromEntries(fields.map((f) => [f, value])) };
      expect(c.ours.fromBuffer(c.theirs.toBuffer(toAvroJs(c.schema, record, c.names)))).toEqual(record);
    }
  });
});
