import * as avro from 'avsc';

/**
 * Avro `timestamp-micros` fields (Avro 1.11 spec: a long, microseconds since the Unix epoch, UTC)
 * come out of the decoder as numbers. A subscriber gets each as a `Date` (milliseconds, what
 * JavaScript has) and, beside it, `<field>Micros` with the exact value: a bar's start, a trade's
 * print time to the microsecond.
 */
export type Converter = (value: Record<string, unknown>) => Record<string, unknown>;

/**
 * Marks timestamp-micros longs so the converter can find them (avsc drops logical types it does
 * not know); the value stays the number of micros.
 */
export class MicrosType extends avro.types.LogicalType {
  protected override _fromValue(value: number): number {
    return value;
  }

  protected override _toValue(value: unknown): number | undefined {
    return typeof value === 'number' ? value : undefined;
  }

  protected override _resolve(type: avro.Type): ((x: any) => any) | undefined {
    return avro.Type.isType(type, 'long', 'logical:timestamp-micros') ? (x) => x : undefined;
  }
}

const isMicros = (t: avro.Type) => avro.Type.isType(t, 'logical:timestamp-micros');

/** Whether a field's type is timestamp-micros, alone or as the non-null branch of a union. */
function microsField(type: avro.Type): boolean {
  const branches: avro.Type[] = (type as any).types ?? [type];
  return branches.some((b) => isMicros(b));
}

/** The converter for records of one writer schema (built once per schema id). */
export function timeConverter(type: avro.Type): Converter {
  const fields: Array<{ name: string; type: avro.Type }> = (type as any).fields ?? [];
  const micros = fields.filter((f) => microsField(f.type)).map((f) => f.name);
  const nested = fields
    .map((f) => ({ name: f.name, item: (f.type as any).itemsType as avro.Type | undefined }))
    .filter((f) => f.item && (f.item as any).fields)
    .map((f) => ({ name: f.name, convert: timeConverter(f.item!) }));
  return (value) => {
    const out: Record<string, unknown> = { ...value };
    for (const name of micros) {
      const us = value[name];
      if (typeof us !== 'number') continue;
      out[name] = new Date(Math.floor(us / 1000));
      out[`${name}Micros`] = us;
    }
    for (const { name, convert } of nested) {
      const items = value[name];
      if (Array.isArray(items)) out[name] = items.map((item) => convert(item));
    }
    return out;
  };
}
