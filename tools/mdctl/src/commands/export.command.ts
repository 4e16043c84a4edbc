import { open, rename, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatch, Struct, makeData, tableFromIPC, vectorFromArray, type Schema, type Table } from 'apache-arrow';
import { Option, type Command } from 'commander';
import { TIMEFRAMES, type Timeframe } from '@md/contracts';
import { ArrowStreamEncoder, csvHeader, csvRecords, exportFileName, parquetStream, type FileFormat } from '@md/columnar';
import { endpointsOf, httpRequest, type CliIo } from '../cli-context';
import { parseBaseUrl } from '../parse-endpoints';
import { parseSymbols } from '../parse-symbols';
import { parseWindow } from '../parse-time';
import { OperationError, UsageError } from '../usage-error';

// `mdctl export`: bars or feature vectors of a window, one file per symbol, for research. It pages
// through the writer's read API (GET /v1/bars, /v1/features with format=arrow), like `quality
// report`, rather than reading the database: coarse bars, availableTime and point-in-time rules
// are the writer's (bars-reader.ts), the embedded database can only be opened by the writer, and
// no database credentials are needed. Each page is an Arrow record batch, typed and exact; it is
// written out (CSV records, a record batch, a Parquet row group) before the next is asked for.

const FORMATS: readonly FileFormat[] = ['csv', 'parquet', 'arrow'];
/** Rows per request: the writer's default MAX_QUERY_ROWS; lower it with --page-rows if the writer's is lower. */
export const DEFAULT_PAGE_ROWS = 10_000;

export interface ExportOptions {
  format?: string;
  symbols?: string;
  from?: string;
  to?: string;
  timeframe: string;
  features?: boolean;
  out: string;
  url?: string;
  pageRows: string;
}

export interface ExportPlan {
  format: FileFormat;
  symbols: string[];
  from: Date;
  to: Date;
  timeframe: Timeframe;
  table: 'bars' | 'features';
  out: string;
  url: string;
  pageRows: number;
}

/** Every option checked before any request: a bad one exits 2, naming it, with nothing written. */
export function exportPlan(o: ExportOptions, writerUrl: string): ExportPlan {
  const format = FORMATS.find((f) => f === o.format);
  if (!format) throw new UsageError(`--format ${o.format === undefined ? 'is required' : `"${o.format}" is not a format`}: use csv, parquet or arrow`);
  if (o.symbols === undefined) throw new UsageError('--symbols is required: comma-separated tickers, e.g. --symbols DBB,SPY');
  if (o.from === undefined || o.to === undefined) throw new UsageError(`--${o.from === undefined ? 'from' : 'to'} is required: the window [from, to), e.g. --from 2024-07-01 --to 2024-08-01`);
  const timeframe = TIMEFRAMES.find((t) => t === o.timeframe);
  if (!timeframe) throw new UsageError(`--timeframe "${o.timeframe}" is not a timeframe: use ${TIMEFRAMES.join(', ')}`);
  const pageRows = Number(o.pageRows);
  if (!Number.isInteger(pageRows) || pageRows < 1 || pageRows > 1_000_000) throw new UsageError(`--page-rows "${o.pageRows}" is not a row count from 1 to 1000000`);
  const symbols = parseSymbols(o.symbols);
  const { fromMs, toMs } = parseWindow(o.from, o.to);
  const url = o.url === undefined ? writerUrl : parseBaseUrl(o.url, '--url');
  return { format, symbols, from: new Date(fromMs), to: new Date(toMs), timeframe, table: o.features ? 'features' : 'bars', out: o.out, url, pageRows };
}

/** The read API's URL of one page: rows of `symbol` from `from` to the plan's end, as an Arrow IPC stream. */
export function pageUrl(plan: ExportPlan, symbol: string, from: Date): string {
  const query = new URLSearchParams({
    symbol, timeframe: plan.timeframe, from: from.toISOString(), to: plan.to.toISOString(), limit: String(plan.pageRows), format: 'arrow',
  });
  return `${plan.url}/v1/${plan.table}?${query}`;
}

/**
 * A page's batch on the file's schema (the first page's). Feature columns are the names of the
 * rest of the window (featureNamesIn), so a later page may lack some (null here), never add one.
 */
export function alignBatch(batch: RecordBatch, schema: Schema): RecordBatch {
  const extra = batch.schema.fields.find((f) => !schema.fields.some((g) => g.name === f.name));
  if (extra) throw new OperationError(`column ${extra.name} appeared after the first page: the writer's feature columns changed during the export; run it again`);
  const children = schema.fields.map((f) => batch.getChild(f.name)?.data[0] ?? vectorFromArray(new Array(batch.numRows).fill(null), f.type).data[0]);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
}

/** The last row's time in epoch microseconds, from the int64 buffer (Vector.get turns timestamps into millisecond numbers). */
function lastMicros(table: Table): bigint {
  const chunks = table.getChild('time')!.data;
  const last = chunks[chunks.length - 1];
  return BigInt((last.values as BigInt64Array)[last.offset + last.length - 1]);
}

/** The pages of one symbol, each an Arrow table, fetched one at a time; the next starts 1 ms after the last row (API times are whole ms). */
async function* pagesOf(plan: ExportPlan, symbol: string): AsyncGenerator<Table> {
  for (let from = plan.from; from < plan.to;) {
    const url = pageUrl(plan, symbol, from);
    const res = await httpRequest(url, 'timescale-writer read API');
    if (!res.ok) throw new OperationError(`the writer answered ${res.status} for ${url}: ${(await res.text()).slice(0, 300)}`);
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    yield table;
    if (table.numRows < plan.pageRows) return;
    const next = new Date(Number(lastMicros(table) / 1000n) + 1);
    if (next <= from) throw new OperationError(`the writer's page for ${symbol} from ${from.toISOString()} did not move forward (last time ${next.toISOString()})`);
    from = next;
  }
}

/** Writes one symbol's file (to a .partial name, renamed when complete) and returns its rows. */
async function exportSymbol(plan: ExportPlan, symbol: string, path: string): Promise<number> {
  const pages = pagesOf(plan, symbol);
  const first = await pages.next();
  if (first.done) throw new OperationError(`the writer sent no page for ${symbol}`);
  const schema = first.value.schema;
  let rows = 0;
  const batches = async function* () {
    for (let page: IteratorResult<Table> = first; !page.done; page = await pages.next()) {
      for (const batch of page.value.batches) {
        rows += batch.numRows;
        yield alignBatch(batch, schema);
      }
    }
  };
  const file = await open(`${path}.partial`, 'w');
  const write = (chunk: string | Uint8Array) => file.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  try {
    if (plan.format === 'parquet') {
      const source = batches();
      for await (const chunk of await parquetStream(schema, async () => (await source.next()).value ?? undefined)) await write(chunk);
    } else {
      const encoder = new ArrowStreamEncoder(schema);
      await write(plan.format === 'csv' ? csvHeader(schema) : encoder.start());
      for await (const batch of batches()) await write(plan.format === 'csv' ? csvRecords(batch) : encoder.batch(batch));
      if (plan.format === 'arrow') await write(encoder.end());
    }
    await file.close();
    await rename(`${path}.partial`, path);
    return rows;
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(`${path}.partial`, { force: true });
    throw err;
  }
}

export function registerExport(program: Command, io: CliIo): void {
  program.command('export')
    .description('bars (or --features) of [from, to) from the writer\'s read API, one csv, parquet or arrow file per symbol')
    .addOption(new Option('--format <format>', 'csv, parquet or arrow (Arrow IPC stream, .arrows)'))
    .option('--symbols <list>', 'tickers, e.g. DBB,SPY')
    .option('--from <time>', 'window start, e.g. 2024-07-01')
    .option('--to <time>', 'window end (exclusive), e.g. 2024-08-01')
    .option('--timeframe <tf>', `bar timeframe: ${TIMEFRAMES.join(', ')}`, '1m')
    .option('--features', 'feature vectors (one float64 column per feature) instead of bars')
    .option('--out <dir>', 'directory for the files (created if missing)', '.')
    .option('--url <url>', 'the read API base URL (default: --writer-url, READ_API_URL)')
    .option('--page-rows <n>', 'rows per request (at most the writer\'s MAX_QUERY_ROWS)', String(DEFAULT_PAGE_ROWS))
    .action(async (opts: ExportOptions, cmd: Command) => {
      const plan = exportPlan(opts, endpointsOf(cmd).writerUrl);
      await mkdir(plan.out, { recursive: true });
      for (const symbol of plan.symbols) {
        const path = join(plan.out, exportFileName([symbol, plan.timeframe, plan.table], plan.format));
        const rows = await exportSymbol(plan, symbol, path);
        io.out.write(`${symbol}: ${rows} ${plan.table === 'bars' ? 'bars' : 'feature vectors'} -> ${path}\n`);
      }
    });
}
