// Text the server parses, built without a driver: COPY … FROM STDIN in text format
// (https://www.postgresql.org/docs/15/sql-copy.html, "Text Format") and array literals
// (https://www.postgresql.org/docs/15/arrays.html#ARRAYS-IO). Raw records carry provider text
// (exchange codes, sale conditions) that we do not control, so every field is escaped.

/** One COPY text-format field: \N for null; backslash, tab, newline and carriage return escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A text[] literal ('{"a","b\\"c"}'): every element quoted, so commas, braces, spaces and NULL stay text. */
export function pgTextArray(items: readonly string[]): string {
  return `{${items.map((i) => `"${i.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Rows of fields as COPY text-format chunks of at most `chunkRows` lines. */
export function* copyChunks(rows: Iterable<ReadonlyArray<string | number | null>>, chunkRows = 2000): Generator<string> {
  let chunk = '';
  let n = 0;
  for (const row of rows) {
    chunk += `${row.map(copyField).join('\t')}\n`;
    if (++n % chunkRows === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
