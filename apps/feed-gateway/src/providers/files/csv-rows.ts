import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

export interface CsvRow {
  /** 1-based line number in the file, for dead-letter locations. */
  line: number;
  record: Record<string, string>;
  raw: string;
}

/** Streams a CSV file with a header row; memory stays bounded by csv-parse's buffer. */
export async function* readCsvRows(path: string): AsyncGenerator<CsvRow> {
  const parser = createReadStream(path).pipe(
    parse({ columns: true, info: true, raw: true, skip_empty_lines: true, trim: true, relax_column_count: true }),
  );
  for await (const { record, info, raw } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number }; raw: string }>) {
    yield { line: info.lines, record, raw: raw.replace(/\r?\n$/, '') };
  }
}
