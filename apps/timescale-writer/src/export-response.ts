import { Logger } from '@nestjs/common';
import type { Timeframe } from '@md/contracts';
import { ArrowStreamEncoder, EXPORT_MEDIA_TYPES, arrowSchema, csvHeader, csvRecords, parquetFile, toRecordBatch, type Cell, type ExportColumn, type FileFormat } from '@md/columnar';
import { featureVectors, type Db, type DerivedRange, type FeatureVectorRow } from '@md/storage';
import { readBars, type ApiBar, type BarsRequest } from './bars-reader';

// GET /v1/bars and /v1/features with format=csv|arrow|parquet (issue 15, export for research).
// The rows are read a page at a time and each page is written as soon as it is read (CSV records,
// an Arrow record batch), so an answer of MAX_QUERY_ROWS rows never sits in memory whole; Parquet
// keeps its pages until the footer can be written, within the same limit.

/** Rows per database read and per record batch: the memory bound of a streamed answer. */
export const EXPORT_PAGE_ROWS = 1000;

/** The part of Express's response used here (Nest's default platform; no @types/express needed). */
export interface ExportReply {
  headersSent: boolean;
  status(code: number): unknown;
  setHeader(name: string, value: string | number): unknown;
  write(chunk: Uint8Array | string): boolean;
  end(chunk?: Uint8Array): unknown;
  destroy(err?: Error): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
  json(body: unknown): unknown;
  /** Express' per-response values: the export's row count goes to the audit there (issue 18). */
  locals?: Record<string, unknown>;
}

const log = new Logger('ColumnarExport');

/** Pages of at most `pageRows` of a request of `limit` rows: each read starts just after the last time the previous one returned. */
async function* pagesOf<T extends { time: string }>(r: { from: Date; to: Date; limit: number }, read: (from: Date, limit: number) => Promise<T[]>, pageRows: number): AsyncGenerator<T[]> {
  let from = r.from;
  for (let left = r.limit; left > 0 && from < r.to;) {
    const want = Math.min(pageRows, left);
    const rows = await read(from, want);
    if (rows.length > 0) yield rows;
    if (rows.length < want) return;
    left -= rows.length;
    // The API's times are whole milliseconds (they are Dates), so the next page starts 1 ms later.
    from = new Date(Date.parse(rows[rows.length - 1].time) + 1);
  }
}

export const barPages = (db: Db, schema: string, r: BarsRequest, pageRows = EXPORT_PAGE_ROWS): AsyncGenerator<ApiBar[]> =>
  pagesOf(r, (from, limit) => readBars(db, schema, { ...r, from, limit }), pageRows);

export const featurePages = (db: Db, schema: string, r: DerivedRange & { symbol: string; timeframe: Timeframe }, pageRows = EXPORT_PAGE_ROWS): AsyncGenerator<FeatureVectorRow[]> =>
  pagesOf(r, (from, limit) => featureVectors(db, schema, { ...r, from, limit }), pageRows);

/** The client went away mid-download: its choice, not a fault of the service. */
class ClientGone extends Error {}

/** Resolves when the socket takes more (backpressure), rejects when the client has gone. */
function drained(res: ExportReply): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new ClientGone('the client closed the connection'));
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

const send = async (res: ExportReply, chunk: Uint8Array | string) => {
  if (!res.write(chunk)) await drained(res);
};

export interface ExportAnswer<T> {
  format: FileFormat;
  fileName: string;
  columns: readonly ExportColumn[];
  pages: AsyncIterable<T[]>;
  cells: (row: T) => Cell[];
}

/**
 * Writes an export. A failure before the first byte is thrown (Nest answers it as usual); after
 * it, the status line is gone, so the connection is cut instead: a client sees a broken transfer,
 * never a file that looks complete.
 */
export async function sendExport<T>(res: ExportReply, a: ExportAnswer<T>): Promise<void> {
  const schema = arrowSchema(a.columns);
  let rows = 0;
  const batches = async function* () {
    for await (const page of a.pages) {
      rows += page.length;
      if (res.locals) res.locals.auditRows = rows;
      yield toRecordBatch(a.columns, page.map(a.cells));
    }
  };
  const head = () => {
    res.status(200);
    res.setHeader('Content-Type', EXPORT_MEDIA_TYPES[a.format]);
    res.setHeader('Content-Disposition', `attachment; filename="${a.fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
  };
  if (a.format === 'parquet') {
    const all = [];
    for await (const batch of batches()) all.push(batch);
    const file = parquetFile(schema, all);
    head();
    res.setHeader('Content-Length', file.byteLength);
    res.end(file);
    return;
  }
  // The first page is read before the status line: a failing first read is still an ordinary error answer.
  const pages = batches();
  let next = await pages.next();
  head();
  try {
    const encoder = new ArrowStreamEncoder(schema);
    await send(res, a.format === 'csv' ? csvHeader(schema) : encoder.start());
    for (; !next.done; next = await pages.next()) await send(res, a.format === 'csv' ? csvRecords(next.value) : encoder.batch(next.value));
    if (a.format === 'arrow') await send(res, encoder.end());
    res.end();
  } catch (err) {
    if (!res.headersSent) throw err;
    const line = `export ${a.fileName} cut short: ${(err as Error).message}`;
    if (err instanceof ClientGone) log.warn(line);
    else log.error(line);
    res.destroy(err as Error);
  }
}
