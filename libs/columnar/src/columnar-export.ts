import {
  DataType, Decimal, Field, Float64, Int64, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8, makeData, makeVector, vectorFromArray, type Data,
} from 'apache-arrow';
import { PRICE_PRECISION, PRICE_SCALE, fromScaled, rfc3339Micros, toScaled } from '@md/market';

// Rows of the read API as columns (issue 15, export for research): one Arrow record batch per
// page, from which the CSV text, the Arrow IPC stream and the Parquet file are all made, so the
// three formats cannot disagree. Pure: no I/O here (arrow-stream.ts frames the bytes).
// Column types follow the Arrow columnar format: timestamps in microseconds with the UTC zone,
// prices Decimal128(20, 8) (PostgreSQL's numeric(20,8), exact), volume int64, features float64.
// A Decimal128 is the unscaled integer (value x 10^8) as 16 bytes of little-endian two's
// complement (Schema.fbs, Decimal): no float is involved, so 0.00000001 survives unchanged.

export const EXPORT_FORMATS = ['json', 'csv', 'parquet', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type FileFormat = Exclude<ExportFormat, 'json'>;

export const EXPORT_MEDIA_TYPES: Record<FileFormat, string> = {
  // RFC 4180 section 3 registers text/csv with its optional header parameter.
  csv: 'text/csv; charset=utf-8; header=present',
  // The IANA registrations the Arrow and Parquet projects made for the stream format and files.
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
};

/** File extensions; ".arrows" is the one the Arrow docs recommend for the IPC stream format. */
export const EXPORT_EXTENSIONS: Record<FileFormat, string> = { csv: 'csv', arrow: 'arrows', parquet: 'parquet' };

/** A file name of plain characters (symbols may hold '/' or '.'), the same from the API and from `mdctl export`. */
export const exportFileName = (parts: readonly string[], format: FileFormat): string => `${parts.join('_').replace(/[^A-Za-z0-9_-]/g, '-')}.${EXPORT_EXTENSIONS[format]}`;

export type ColumnKind = 'utf8' | 'timestamp' | 'decimal' | 'int64' | 'float64';

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
}

/** One cell as the JSON answer has it: text for utf8, ISO-8601 times, decimals and int64; a number for float64. */
export type Cell = string | number | null;

/** A bar as GET /v1/bars answers it (ApiBar in the writer). */
export interface ExportBar {
  symbol: string;
  timeframe: string;
  time: string;
  availableTime: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  vwap: string | null;
  fill: string;
}

/** A feature vector as GET /v1/features answers it (FeatureVectorRow). */
export interface ExportVector {
  symbol: string;
  timeframe: string;
  time: string;
  availableTime: string;
  values: Record<string, number | null>;
}

const col = (name: string, kind: ColumnKind, nullable = false): ExportColumn => ({ name, kind, nullable });
const KEY_COLUMNS = [col('symbol', 'utf8'), col('timeframe', 'utf8'), col('time', 'timestamp'), col('availableTime', 'timestamp')];

export const BAR_COLUMNS: readonly ExportColumn[] = [
  ...KEY_COLUMNS, col('open', 'decimal'), col('high', 'decimal'), col('low', 'decimal'), col('close', 'decimal'),
  col('volume', 'int64'), col('vwap', 'decimal', true), col('fill', 'utf8'),
];

export const barCells = (b: ExportBar): Cell[] =>
  [b.symbol, b.timeframe, b.time, b.availableTime, b.open, b.high, b.low, b.close, b.volume, b.vwap, b.fill];

/** A feature whose name is taken by a key column keeps its values under feature_<name>. */
export const featureColumnName = (name: string): string => (KEY_COLUMNS.some((c) => c.name === name) ? `feature_${name}` : name);

/** The key columns, then one nullable float64 column per feature name, in the order given. */
export const featureColumns = (names: readonly string[]): ExportColumn[] => [...KEY_COLUMNS, ...names.map((n) => col(featureColumnName(n), 'float64', true))];

/** A vector's cells for featureColumns(names): a name the vector lacks is null. */
export const featureCells = (v: ExportVector, names: readonly string[]): Cell[] =>
  [v.symbol, v.timeframe, v.time, v.availableTime, ...names.map((n) => v.values[n] ?? null)];

function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case 'utf8': return new Utf8();
    case 'timestamp': return new TimestampMicrosecond('UTC');
    case 'decimal': return new Decimal(PRICE_SCALE, PRICE_PRECISION, 128);
    case 'int64': return new Int64();
    case 'float64': return new Float64();
  }
}

export const arrowSchema = (columns: readonly ExportColumn[]): Schema => new Schema(columns.map((c) => new Field(c.name, arrowType(c.kind), c.nullable)));

/** Epoch microseconds of an ISO-8601 time with a zone (RFC 3339); digits past the microsecond are dropped. */
export function isoMicros(text: string): bigint {
  const us = rfc3339Micros(text);
  if (us === undefined) throw new Error(`"${text}" is not an ISO-8601 time with a zone`);
  return BigInt(us);
}

/** ISO-8601 UTC with six decimals (the Arrow unit), e.g. 2024-07-10T13:30:00.000000Z. */
export function microsIso(us: bigint): string {
  const ms = us >= 0n ? us / 1000n : -((-us + 999n) / 1000n);
  return new Date(Number(ms)).toISOString().replace('Z', `${(us - ms * 1000n).toString().padStart(3, '0')}Z`);
}

const WORD = 0xffffffffn;

/** Writes `value` as 128-bit little-endian two's complement into out[offset..offset+3] (32-bit words). */
export function writeDecimal128(value: bigint, out: Uint32Array, offset: number): void {
  const bits = BigInt.asUintN(128, value);
  for (let i = 0; i < 4; i++) out[offset + i] = Number((bits >> BigInt(32 * i)) & WORD);
}

/** The signed value of the four little-endian 32-bit words at words[offset..offset+3]. */
export function readDecimal128(words: Uint32Array, offset: number): bigint {
  let bits = 0n;
  for (let i = 3; i >= 0; i--) bits = (bits << 32n) | BigInt(words[offset + i]);
  return BigInt.asIntN(128, bits);
}

/** The validity bitmap of a column: bit i (least significant first) set when cell i is not null (Arrow columnar format). */
function validity(cells: readonly Cell[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(cells.length / 8));
  let nullCount = 0;
  cells.forEach((c, i) => {
    if (c === null) nullCount++;
    else nullBitmap[i >> 3] |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}

function columnData(kind: ColumnKind, type: DataType, cells: readonly Cell[]): Data {
  const length = cells.length;
  if (kind === 'utf8') return vectorFromArray(cells.map((c) => (c === null ? null : String(c))), new Utf8()).data[0];
  const bits = validity(cells);
  if (kind === 'decimal') {
    const data = new Uint32Array(length * 4);
    cells.forEach((c, i) => c !== null && writeDecimal128(toScaled(String(c)), data, i * 4));
    return makeData({ type: type as Decimal, length, data, ...bits });
  }
  if (kind === 'float64') return makeData({ type: type as Float64, length, data: Float64Array.from(cells, (c) => (c === null ? 0 : Number(c))), ...bits });
  const data = BigInt64Array.from(cells, (c) => (c === null ? 0n : kind === 'timestamp' ? isoMicros(String(c)) : BigInt(String(c))));
  return makeData({ type: type as Int64, length, data, ...bits });
}

/** One record batch of rows laid out as `columns` (each row's cells in column order). */
export function toRecordBatch(columns: readonly ExportColumn[], rows: readonly Cell[][]): RecordBatch {
  const schema = arrowSchema(columns);
  const children = columns.map((c, i) => columnData(c.kind, schema.fields[i].type, rows.map((r) => r[i] ?? null)));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

/** Each cell of one column as CSV text (null as undefined), whatever produced the batch (ours or an IPC reader's). */
function columnText(data: Data): Array<string | undefined> {
  const vector = makeVector(data);
  const type = data.type as DataType;
  const values = data.values as unknown as ArrayLike<number | bigint>;
  const text = (i: number): string => {
    if (DataType.isDecimal(type)) return fromScaled(readDecimal128(data.values as Uint32Array, (data.offset + i) * 4), type.scale);
    if (DataType.isTimestamp(type)) return microsIso(BigInt(values[data.offset + i]));
    if (DataType.isInt(type)) return String(values[data.offset + i]);
    // String(number) is the shortest text that reads back as the same double (ECMA-262 Number::toString); NaN and Infinity as named.
    if (DataType.isFloat(type)) return String(values[data.offset + i]);
    return String(vector.get(i));
  };
  return Array.from({ length: data.length }, (_, i) => (vector.isValid(i) ? text(i) : undefined));
}

/**
 * RFC 4180 section 2: a field holding a comma, a double quote, CR or LF is enclosed in double
 * quotes, a quote inside doubled. An empty text is quoted ("") so that it differs from a null,
 * which is an empty field (DuckDB and pandas read it as NULL / NaN).
 */
export function csvField(value: string | undefined): string {
  if (value === undefined) return '';
  return value === '' || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The header line of a schema (RFC 4180 section 2.3), CRLF-terminated. */
export const csvHeader = (schema: Schema): string => `${schema.fields.map((f) => csvField(f.name)).join(',')}\r\n`;

/** A batch as CSV records, each ended by CRLF (RFC 4180 section 2.1); decimals exact, times ISO-8601 UTC. */
export function csvRecords(batch: RecordBatch): string {
  const columns = batch.schema.fields.map((_, i) => columnText(batch.getChildAt(i)!.data[0]));
  let out = '';
  for (let row = 0; row < batch.numRows; row++) out += `${columns.map((c) => csvField(c[row])).join(',')}\r\n`;
  return out;
}
