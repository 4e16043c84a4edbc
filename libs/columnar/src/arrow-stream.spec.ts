import { tableFromIPC, type RecordBatch } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { parquetFile, parquetStream } from './arrow-stream';
import { BAR_COLUMNS, arrowSchema, barCells, csvRecords, toRecordBatch, type ExportBar } from './columnar-export';

const bars: ExportBar[] = [0, 1, 2].map((i) => ({
  symbol: 'SPY', timeframe: '1m', time: `2024-07-10T13:3${i}:00.000Z`, availableTime: `2024-07-10T13:3${i + 1}:00.000Z`,
  open: '0.00000001', high: '12345678901.12345678', low: '0.00000001', close: `1.${i}`, volume: String(i), vwap: i === 1 ? null : '2.5', fill: 'none',
}));
const schema = arrowSchema(BAR_COLUMNS);
const batchOf = (rows: ExportBar[]) => toRecordBatch(BAR_COLUMNS, rows.map(barCells));
/** A Parquet file read back through parquet-wasm's reader, as CSV records (exact decimals). */
const parquetCsv = (bytes: Uint8Array) => tableFromIPC(readParquet(bytes).intoIPCStream()).batches.map((b) => csvRecords(b)).join('');

describe('parquet export', () => {
  it('writes a Parquet file whose decimals, nulls and times read back exactly', () => {
    const file = parquetFile(schema, [batchOf(bars.slice(0, 2)), batchOf(bars.slice(2))]);
    expect(Buffer.from(file.subarray(0, 4)).toString()).toBe('PAR1');
    expect(parquetCsv(file)).toBe(csvRecords(batchOf(bars)));
  });

  it('writes a file from batches pulled one at a time, asking for the next only when it wants it', async () => {
    const pending: RecordBatch[] = bars.map((b) => batchOf([b]));
    let pulled = 0;
    const chunks: Uint8Array[] = [];
    for await (const chunk of await parquetStream(schema, async () => (pulled < pending.length ? pending[pulled++] : undefined))) chunks.push(chunk);
    expect(pulled).toBe(3);
    expect(parquetCsv(Buffer.concat(chunks))).toBe(csvRecords(batchOf(bars)));
  });

  it('writes an empty answer as a file with the columns and no rows', () => {
    const table = tableFromIPC(readParquet(parquetFile(schema, [])).intoIPCStream());
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(BAR_COLUMNS.map((c) => c.name));
  });
});
