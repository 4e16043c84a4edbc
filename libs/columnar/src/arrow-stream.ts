import { AsyncByteQueue, RecordBatchStreamWriter, Table, tableToIPC, type RecordBatch, type Schema } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, transformParquetStream, writeParquet, type RecordBatch as WasmRecordBatch } from 'parquet-wasm';

// Framing of the export formats, with the maintained encoders (apache-arrow for the IPC stream,
// parquet-wasm, the Rust parquet crate, for Parquet); pure: bytes in, bytes out, no I/O.

/** Collects what the Arrow writer emits so each batch's bytes can be handed on as soon as it is written. */
class ChunkSink extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];
  override write(chunk: Uint8Array): boolean {
    this.chunks.push(chunk);
    return true;
  }
  take(): Uint8Array {
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    return all;
  }
}

/**
 * The Arrow IPC streaming format a piece at a time (Arrow columnar format, "IPC Streaming
 * Format"): the schema message, then one record batch message per page, then the end-of-stream
 * marker. Only the current batch is ever held.
 */
export class ArrowStreamEncoder {
  private readonly sink = new ChunkSink();
  private readonly writer = new RecordBatchStreamWriter({ autoDestroy: false });

  constructor(private readonly schema: Schema) {}

  /** The schema message: sent first, so an empty answer is still a readable (empty) table. */
  start(): Uint8Array {
    this.writer.reset(this.sink, this.schema);
    return this.sink.take();
  }

  /** One record batch message; the batch must have the schema given at construction. */
  batch(batch: RecordBatch): Uint8Array {
    if (batch.numRows > 0) this.writer.write(batch);
    return this.sink.take();
  }

  /** The end-of-stream marker (0xFFFFFFFF 0x00000000). */
  end(): Uint8Array {
    this.writer.finish();
    return this.sink.take();
  }
}

/** Snappy: the codec every Parquet reader has (pandas/pyarrow, DuckDB, Spark, Polars). */
const writerProperties = () => new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();

const wasmTable = (schema: Schema, batches: readonly RecordBatch[]) => WasmTable.fromIPCStream(tableToIPC(new Table(schema, [...batches]), 'stream'));

/** A whole Parquet file of `batches` (each a row group at most), held in memory: for an answer within the row limit. */
export function parquetFile(schema: Schema, batches: readonly RecordBatch[]): Uint8Array {
  return writeParquet(wasmTable(schema, batches), writerProperties());
}

/**
 * A Parquet file written as batches arrive: `next()` is pulled for the following batch only when
 * the writer wants it (undefined when done), so a caller paging over HTTP holds one page at a time.
 */
export async function parquetStream(schema: Schema, next: () => Promise<RecordBatch | undefined>): Promise<AsyncIterable<Uint8Array>> {
  const batches = new ReadableStream<WasmRecordBatch>({
    async pull(controller) {
      const batch = await next();
      if (!batch) return controller.close();
      for (const b of wasmTable(schema, [batch]).recordBatches()) controller.enqueue(b);
    },
  });
  return (await transformParquetStream(batches, writerProperties())) as unknown as AsyncIterable<Uint8Array>;
}
