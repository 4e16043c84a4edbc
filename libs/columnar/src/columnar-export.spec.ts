import { DataType, tableFromIPC } from 'apache-arrow';
import fc from 'fast-check';
import { ArrowStreamEncoder } from './arrow-stream';
import {
  BAR_COLUMNS, arrowSchema, barCells, csvField, csvHeader, csvRecords, featureCells, featureColumns, isoMicros, microsIso, readDecimal128, toRecordBatch, writeDecimal128,
  type ExportBar,
} from './columnar-export';

const bar = (over: Partial<ExportBar>): ExportBar => ({
  symbol: 'DBB', timeframe: '1m', time: '2024-07-10T13:30:00.000Z', availableTime: '2024-07-10T13:31:00.000Z',
  open: '17.90000000', high: '17.91000000', low: '17.90000000', close: '17.91000000', volume: '3057', vwap: '17.90500000', fill: 'none', ...over,
});
const AWKWARD = [
  bar({ open: '0.00000001', low: '0.00000001' }),
  bar({ time: '2024-07-10T13:31:00.000Z', availableTime: '2024-07-10T13:32:00.000Z', high: '12345678901.12345678', volume: '9007199254740993', vwap: null }),
];

describe('columnar export', () => {
  it('lays bars out with exact decimal128(20,8) prices, microsecond UTC times and int64 volume', () => {
    const batch = toRecordBatch(BAR_COLUMNS, AWKWARD.map(barCells));
    const types = Object.fromEntries(batch.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({ symbol: 'Utf8', time: 'Timestamp<MICROSECOND, UTC>', open: 'Decimal[20e+8]', volume: 'Int64', vwap: 'Decimal[20e+8]' });
    expect(batch.getChild('vwap')!.isValid(1)).toBe(false);
    expect(batch.getChild('volume')!.get(1)).toBe(9007199254740993n);
  });

  it('writes CSV with a header, exact decimals as stored, ISO-8601 UTC times and an empty field for null (RFC 4180)', () => {
    const batch = toRecordBatch(BAR_COLUMNS, AWKWARD.map(barCells));
    expect(csvHeader(batch.schema) + csvRecords(batch)).toBe(
      'symbol,timeframe,time,availableTime,open,high,low,close,volume,vwap,fill\r\n'
      + 'DBB,1m,2024-07-10T13:30:00.000000Z,2024-07-10T13:31:00.000000Z,0.00000001,17.91000000,0.00000001,17.91000000,3057,17.90500000,none\r\n'
      + 'DBB,1m,2024-07-10T13:31:00.000000Z,2024-07-10T13:32:00.000000Z,17.90000000,12345678901.12345678,17.90000000,17.91000000,9007199254740993,,none\r\n',
    );
  });

  it('quotes fields holding commas, quotes or line breaks, and tells an empty text from a null', () => {
    expect(csvField('BRK.B')).toBe('BRK.B');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('')).toBe('""');
    expect(csvField(undefined)).toBe('');
  });

  it('round-trips every numeric(20,8) through 128-bit little-endian two\'s complement, -1 as all ones', () => {
    const limit = 10n ** 20n - 1n;
    fc.assert(fc.property(fc.bigInt({ min: -limit, max: limit }), (v) => {
      const words = new Uint32Array(8);
      writeDecimal128(v, words, 4);
      expect(readDecimal128(words, 4)).toBe(v);
    }));
    const words = new Uint32Array(4);
    writeDecimal128(-1n, words, 0);
    expect([...words]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    writeDecimal128(1n, words, 0);
    expect([...words]).toEqual([1, 0, 0, 0]);
  });

  it('refuses a price with more decimals than numeric(20,8) holds rather than rounding it', () => {
    expect(() => toRecordBatch(BAR_COLUMNS, [barCells(bar({ open: '0.000000001' }))])).toThrow(/more than 8 fraction digits/);
  });

  it('keeps times to the microsecond, before 1970 too', () => {
    expect(isoMicros('2024-07-10T13:30:00.123456Z')).toBe(1720618200123456n);
    expect(isoMicros('2024-07-10T09:30:00-04:00')).toBe(1720618200000000n);
    expect(microsIso(1720618200123456n)).toBe('2024-07-10T13:30:00.123456Z');
    expect(microsIso(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(microsIso(isoMicros('2024-07-10T13:30:00.000001Z'))).toBe('2024-07-10T13:30:00.000001Z');
    expect(() => isoMicros('2024-07-10 13:30:00')).toThrow(/not an ISO-8601 time/);
  });

  it('gives features one float64 column per name, null where a vector lacks it, NaN kept', () => {
    const names = ['rsi_14', 'time', 'z'];
    const columns = featureColumns(names);
    expect(columns.map((c) => c.name)).toEqual(['symbol', 'timeframe', 'time', 'availableTime', 'rsi_14', 'feature_time', 'z']);
    const v = { symbol: 'DBB', timeframe: '5m', time: '2024-07-10T13:30:00.000Z', availableTime: '2024-07-10T13:35:00.000Z' };
    const batch = toRecordBatch(columns, [featureCells({ ...v, values: { rsi_14: 0.1 + 0.2, time: NaN } }, names), featureCells({ ...v, values: { z: -1e-300 } }, names)]);
    expect(DataType.isFloat(batch.schema.fields[4].type)).toBe(true);
    expect(csvRecords(batch).split('\r\n').map((l) => l.split(',').slice(4))).toEqual([['0.30000000000000004', 'NaN', ''], ['', '', '-1e-300'], []]);
  });

  it('streams an Arrow IPC stream batch by batch that a reader takes back whole', () => {
    const schema = arrowSchema(BAR_COLUMNS);
    const encoder = new ArrowStreamEncoder(schema);
    const pieces = [encoder.start(), ...AWKWARD.map((b) => encoder.batch(toRecordBatch(BAR_COLUMNS, [barCells(b)]))), encoder.end()];
    expect(pieces.map((p) => p.length > 0)).toEqual([true, true, true, true]);
    const table = tableFromIPC(Buffer.concat(pieces));
    expect(table.batches).toHaveLength(2);
    expect(table.batches.map((b) => csvRecords(b)).join('')).toBe(csvRecords(toRecordBatch(BAR_COLUMNS, AWKWARD.map(barCells))));
  });

  it('streams an empty answer as a schema and an end marker: a table with the columns and no rows', () => {
    const encoder = new ArrowStreamEncoder(arrowSchema(BAR_COLUMNS));
    const table = tableFromIPC(Buffer.concat([encoder.start(), encoder.end()]));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(BAR_COLUMNS.map((c) => c.name));
  });
});
