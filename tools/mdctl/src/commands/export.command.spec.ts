import { PassThrough } from 'node:stream';
import { tableFromIPC } from 'apache-arrow';
import { ArrowStreamEncoder, BAR_COLUMNS, barCells, featureCells, featureColumns, toRecordBatch } from '@md/columnar';
import { runMdctl } from '../program';
import { alignBatch, exportPlan, pageUrl, type ExportOptions } from './export.command';

const options = (over: Partial<ExportOptions> = {}): ExportOptions => ({
  format: 'parquet', symbols: 'dbb,SPY', from: '2024-07-01', to: '2024-07-02T00:00:00-04:00', timeframe: '1m', out: 'data', pageRows: '10000', ...over,
});

describe('mdctl export', () => {
  it('plans one request per page of the window, as an Arrow stream from the writer', () => {
    const plan = exportPlan(options({ features: true, timeframe: '5m', pageRows: '500' }), 'http://127.0.0.1:3105');
    expect(plan).toMatchObject({ format: 'parquet', symbols: ['DBB', 'SPY'], table: 'features', timeframe: '5m', pageRows: 500 });
    const url = new URL(pageUrl(plan, 'DBB', new Date('2024-07-01T13:30:00.001Z')));
    expect(url.pathname).toBe('/v1/features');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      symbol: 'DBB', timeframe: '5m', from: '2024-07-01T13:30:00.001Z', to: '2024-07-02T04:00:00.000Z', limit: '500', format: 'arrow',
    });
    expect(exportPlan(options({ url: 'http://research:9000/' }), 'http://x').url).toBe('http://research:9000');
  });

  it.each([
    [['--format', 'xlsx'], /--format "xlsx" is not a format/],
    [['--format', 'csv', '--symbols', 'DBB', '--from', '2024-07-01', '--to', '2024-07-02', '--timeframe', '2m'], /--timeframe "2m" is not a timeframe/],
    [['--format', 'csv', '--symbols', 'D*B', '--from', '2024-07-01', '--to', '2024-07-02'], /--symbols: "D\*B" is not a ticker/],
    [['--format', 'csv', '--symbols', 'DBB', '--to', '2024-07-02'], /--from is required/],
    [['--format', 'csv', '--symbols', 'DBB', '--from', '2024-07-01 10:00', '--to', '2024-07-02'], /--from "2024-07-01 10:00" has no time zone/],
    [['--format', 'csv', '--symbols', 'DBB', '--from', '2024-07-01', '--to', '2024-07-02', '--url', 'ftp://x'], /--url "ftp:\/\/x" must be an http/],
    [['--format', 'csv', '--symbols', 'DBB', '--from', '2024-07-01', '--to', '2024-07-02', '--page-rows', '0'], /--page-rows "0" is not a row count/],
  ])('exits 2 with one line naming the bad option: %j', async (args, message) => {
    const [out, err] = [new PassThrough(), new PassThrough()];
    expect(await runMdctl(['export', ...args], { out, err })).toBe(2);
    const text = String(err.read() ?? '');
    expect(text).toMatch(message);
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(out.read()).toBeNull();
  });

  it("puts a later page's batch on the first page's columns, null where a feature is missing", () => {
    const v = { symbol: 'DBB', timeframe: '1m', time: '2024-07-01T13:30:00.000Z', availableTime: '2024-07-01T13:31:00.000Z', values: { a: 1.5 } };
    const schema = toRecordBatch(featureColumns(['a', 'b']), []).schema;
    const later = toRecordBatch(featureColumns(['a']), [featureCells(v, ['a'])]);
    const aligned = alignBatch(later, schema);
    expect(aligned.schema.fields.map((f) => f.name)).toEqual(['symbol', 'timeframe', 'time', 'availableTime', 'a', 'b']);
    expect(aligned.toArray().map((r) => r.toJSON())).toEqual([expect.objectContaining({ a: 1.5, b: null })]);
    expect(() => alignBatch(toRecordBatch(featureColumns(['a', 'c']), []), later.schema)).toThrow(/column c appeared after the first page/);
  });

  it('keeps bar batches decoded from the writer\'s stream as they are', () => {
    const bar = { symbol: 'DBB', timeframe: '1m', time: '2024-07-01T13:30:00.000Z', availableTime: '2024-07-01T13:31:00.000Z', open: '0.00000001', high: '1', low: '0.00000001', close: '1', volume: '5', vwap: null, fill: 'none' };
    const batch = toRecordBatch(BAR_COLUMNS, [barCells(bar)]);
    const encoder = new ArrowStreamEncoder(batch.schema);
    const decoded = tableFromIPC(Buffer.concat([encoder.start(), encoder.batch(batch), encoder.end()]));
    const aligned = alignBatch(decoded.batches[0], decoded.schema);
    expect(aligned.getChild('vwap')!.isValid(0)).toBe(false);
    expect(aligned.getChild('volume')!.get(0)).toBe(5n);
  });
});
