import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMonthlyPartitions, layoutOf } from '@md/storage';
import { finishSliceRun, httpJson, mdctl, prepareSliceRun, repoRoot, startService, stopService, waitReady, type RunningService, type SliceRun } from '@md/testing';
import { duckdbRows, flechetteRows, type TextRow } from './export-readers';

// Integration: GET /v1/bars and /v1/features as csv, arrow and parquet, and `mdctl export`, from a
// writer on the real PostgreSQL (a schema of its own) holding seeded rows with awkward decimals
// (0.00000001, 12345678901.12345678, a volume of 2^53 - 1, a null vwap) and two feature layouts.
// The files are read back by independent readers (DuckDB, flechette) and compared value by value
// with the JSON answer: decimals as exact text, times to the microsecond.

const BARS = 1500; // more than one server page (EXPORT_PAGE_ROWS 1000) and, with --page-rows 700, three mdctl pages
const BASE = Date.parse('2024-07-10T00:00:00Z');
const FROM = '2024-07-10T00:00:00Z';
const TO = '2024-07-12T00:00:00Z';
const CSV_TYPES = { time: 'TIMESTAMPTZ', availableTime: 'TIMESTAMPTZ', open: 'DECIMAL(20,8)', high: 'DECIMAL(20,8)', low: 'DECIMAL(20,8)', close: 'DECIMAL(20,8)', volume: 'BIGINT', vwap: 'DECIMAL(20,8)' };
const FEATURE_CSV_TYPES = { time: 'TIMESTAMPTZ', availableTime: 'TIMESTAMPTZ', ret_1: 'DOUBLE', rsi_14: 'DOUBLE', vol_5: 'DOUBLE' };

const price = (i: number) => (17 + i / 10_000).toFixed(8);
const usOf = (iso: string) => String(Date.parse(iso) * 1000);

describe('columnar export of bars and features (integration)', () => {
  let slice: SliceRun;
  let writer: RunningService;
  const dir = mkdtempSync(join(tmpdir(), 'md-export-'));
  let bars: any[];
  let vectors: any[];

  beforeAll(async () => {
    slice = await prepareSliceRun('X');
    writer = await startService('timescale-writer', { ...slice.writerEnv, MAX_QUERY_ROWS: '2000' }, `test-${slice.run}-writer`);
    await waitReady(writer);
    const { db, schema, run } = slice;
    await ensureMonthlyPartitions(db, schema, 'bars', ['2024-07']);
    await ensureMonthlyPartitions(db, schema, 'feature_vectors', ['2024-07']);
    const rows = Array.from({ length: BARS }, (_, i) => [
      new Date(BASE + i * 60_000).toISOString(), i === 0 ? '0.00000001' : price(i), i === 1 ? '12345678901.12345678' : price(i + 1),
      i === 0 ? '0.00000001' : price(i - 1), price(i), i === 3 ? '9007199254740991' : String(1000 + i), i === 2 ? null : price(i),
    ]);
    const column = (k: number) => rows.map((r) => r[k]);
    await db.query(
      `INSERT INTO ${schema}.bars (symbol, timeframe, time, open, high, low, close, volume, vwap, session, provider, revision, ingest_time)
       SELECT $1, '1m', t, o, h, l, c, v, w, 'extended', 'test', 1, now()
         FROM unnest($2::timestamptz[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::bigint[], $8::numeric[]) AS u(t, o, h, l, c, v, w)`,
      [run, ...[0, 1, 2, 3, 4, 5, 6].map(column)],
    );
    // Two layouts in the range: the columns are their union, a vector lacking a name has null there.
    const [a, b] = [layoutOf(['ret_1', 'rsi_14']), layoutOf(['ret_1', 'vol_5'])];
    await db.query(`INSERT INTO ${schema}.feature_layouts (id, names) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING`, [a.id, a.names, b.id, b.names]);
    await db.query(
      `INSERT INTO ${schema}.feature_vectors (symbol, timeframe, time, layout, feature_values, available_time, generation) VALUES
        ($1, '1m', '2024-07-10T00:00:00Z', $2, '{0.30000000000000004,55.5}', '2024-07-10T00:01:00.250Z', 0),
        ($1, '1m', '2024-07-10T00:01:00Z', $2, '{NULL,-1e-300}', NULL, 0),
        ($1, '1m', '2024-07-10T00:02:00Z', $3, '{1.5,123456789.125}', '2024-07-10T00:03:00Z', 1)`,
      [run, a.id, b.id],
    );
    const json = (await httpJson(writer.port, `/v1/bars?symbol=${run}&from=${FROM}&to=${TO}&limit=2000`)).body;
    bars = json.bars;
    vectors = (await httpJson(writer.port, `/v1/features?symbol=${run}&from=${FROM}&to=${TO}&limit=2000`)).body.vectors;
  }, 180_000);

  afterAll(async () => {
    if (writer) await stopService(writer);
    await finishSliceRun(slice);
  });

  /** The JSON answer as the readers give it back: text, times in epoch microseconds. */
  const expectedBars = (): TextRow[] => bars.map((b) => ({
    symbol: b.symbol, timeframe: b.timeframe, time: usOf(b.time), availableTime: usOf(b.availableTime),
    open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, vwap: b.vwap, fill: b.fill,
  }));
  const expectedVectors = (): TextRow[] => vectors.map((v) => ({
    symbol: v.symbol, timeframe: v.timeframe, time: usOf(v.time), availableTime: usOf(v.availableTime),
    ...Object.fromEntries(['ret_1', 'rsi_14', 'vol_5'].map((n) => [n, v.values[n] === undefined || v.values[n] === null ? null : String(v.values[n])])),
  }));

  const download = async (path: string, file: string) => {
    const res = await fetch(`http://127.0.0.1:${writer.port}${path}`);
    const body = new Uint8Array(await res.arrayBuffer());
    writeFileSync(join(dir, file), body);
    return { res, path: join(dir, file) };
  };

  it('holds the seeded rows in the JSON answer it is compared with', () => {
    expect(bars).toHaveLength(BARS);
    expect(bars.slice(0, 4).map((b) => [b.open, b.high, b.vwap, b.volume])).toEqual([
      ['0.00000001', price(1), price(0), '1000'], [price(1), '12345678901.12345678', price(1), '1001'], [price(2), price(3), null, '1002'], [price(3), price(4), price(3), '9007199254740991'],
    ]);
    expect(vectors.map((v) => v.availableTime)).toEqual(['2024-07-10T00:01:00.250Z', '2024-07-10T00:02:00.000Z', '2024-07-10T00:03:00.000Z']);
  });

  it('serves bars as CSV (RFC 4180, header, exact decimals, UTC times) that DuckDB reads back value for value', async () => {
    const { res, path } = await download(`/v1/bars?symbol=${slice.run}&from=${FROM}&to=${TO}&limit=2000&format=csv`, 'bars.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const { types, rows } = await duckdbRows(path, 'csv', CSV_TYPES);
    expect(types).toMatchObject({ symbol: 'VARCHAR', open: 'DECIMAL(20,8)', time: 'TIMESTAMP WITH TIME ZONE' });
    expect(rows).toEqual(expectedBars());
  });

  it('serves bars as an Arrow IPC stream that flechette reads with decimal128(20,8), timestamp[us, UTC] and int64', async () => {
    const { res, path } = await download(`/v1/bars?symbol=${slice.run}&from=${FROM}&to=${TO}&limit=2000&format=arrow`, 'bars.arrows');
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const { types, batches, rows } = await flechetteRows(path, repoRoot());
    expect(batches).toBe(2); // streamed a page (EXPORT_PAGE_ROWS) at a time
    expect(JSON.parse(types.open)).toEqual({ typeId: 7, precision: 20, scale: 8, bitWidth: 128 });
    expect(JSON.parse(types.time)).toEqual({ typeId: 10, unit: 2, timezone: 'UTC' });
    expect(JSON.parse(types.volume)).toEqual({ typeId: 2, bitWidth: 64, signed: true });
    expect(rows).toEqual(expectedBars());
  });

  it('serves bars as a Parquet file, with a Content-Disposition, that DuckDB reads as DECIMAL(20,8)', async () => {
    const { res, path } = await download(`/v1/bars?symbol=${slice.run}&from=${FROM}&to=${TO}&limit=2000&format=parquet`, 'bars.parquet');
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${slice.run}_1m_bars.parquet"`);
    const { types, rows } = await duckdbRows(path, 'parquet');
    expect(types).toMatchObject({ open: 'DECIMAL(20,8)', vwap: 'DECIMAL(20,8)', volume: 'BIGINT', time: 'TIMESTAMP WITH TIME ZONE' });
    expect(rows).toEqual(expectedBars());
  });

  it('keeps the limit: a truncated export has exactly limit rows, the first ones', async () => {
    const { path } = await download(`/v1/bars?symbol=${slice.run}&from=${FROM}&to=${TO}&limit=1200&format=csv`, 'limited.csv');
    expect((await duckdbRows(path, 'csv', CSV_TYPES)).rows).toEqual(expectedBars().slice(0, 1200));
  });

  it('serves features with one float64 column per name of the range, null where a vector lacks one, in every format', async () => {
    const range = `/v1/features?symbol=${slice.run}&from=${FROM}&to=${TO}&limit=2000`;
    const csv = await duckdbRows((await download(`${range}&format=csv`, 'f.csv')).path, 'csv', FEATURE_CSV_TYPES);
    const parquet = await duckdbRows((await download(`${range}&format=parquet`, 'f.parquet')).path, 'parquet');
    const arrow = await flechetteRows((await download(`${range}&format=arrow`, 'f.arrows')).path, repoRoot());
    expect(parquet.types).toMatchObject({ ret_1: 'DOUBLE', rsi_14: 'DOUBLE', vol_5: 'DOUBLE' });
    expect(JSON.parse(arrow.types.ret_1)).toMatchObject({ typeId: 3, precision: 2 });
    for (const got of [csv.rows, parquet.rows, arrow.rows]) expect(got).toEqual(expectedVectors());
  });

  it('refuses an unknown format with a 400 naming the parameter', async () => {
    for (const path of ['/v1/bars', '/v1/features']) {
      const { status, body } = await httpJson(writer.port, `${path}?symbol=${slice.run}&from=${FROM}&to=${TO}&limit=5&format=xlsx`);
      expect(status).toBe(400);
      expect(body.message).toMatch(/query parameter format: .*'json' \| 'csv' \| 'parquet' \| 'arrow'/);
    }
  });

  it.each(['csv', 'parquet', 'arrow'] as const)('writes the same rows with `mdctl export --format %s`, paging through the limit', async (format) => {
    const out = join(dir, `mdctl-${format}`);
    const url = `http://127.0.0.1:${writer.port}`;
    const common = ['--format', format, '--symbols', slice.run, '--from', FROM, '--to', TO, '--out', out, '--url', url, '--page-rows', '700'];
    const run = await mdctl(['export', ...common]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain(`${slice.run}: ${BARS} bars`);
    const features = await mdctl(['export', ...common, '--features', '--page-rows', '2']);
    expect([features.code, features.stderr]).toEqual([0, '']);
    const read = (file: string, types: Record<string, string>) =>
      format === 'arrow' ? flechetteRows(join(out, `${file}.arrows`), repoRoot()) : duckdbRows(join(out, `${file}.${format}`), format, types);
    expect((await read(`${slice.run}_1m_bars`, CSV_TYPES)).rows).toEqual(expectedBars());
    expect((await read(`${slice.run}_1m_features`, FEATURE_CSV_TYPES)).rows).toEqual(expectedVectors());
  });

  it('exits 2 with one line naming a bad option, writing nothing', async () => {
    const run = await mdctl(['export', '--format', 'xlsx', '--symbols', slice.run, '--from', FROM, '--to', TO, '--out', join(dir, 'bad')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--format "xlsx" is not a format/)]);
  });
});
