// One row of a data file: PostgreSQL's COPY text format (https://www.postgresql.org/docs/15/sql-copy.html,
// "Text Format"), the format `COPY … FROM STDIN` reads back. The values arrive as the server's
// own text output (`column::text`), which is what COPY TO would write for them, so only the
// format's escapes are added here: \N for null; backslash, tab, newline and carriage return.
// (libs/storage has the same escape for its writers but does not export it, and it is at its size limit.)

const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyLine(values: ReadonlyArray<string | null>): string {
  return `${values.map((v) => (v === null ? '\\N' : v.replace(SPECIAL, (c) => ESCAPES[c]))).join('\t')}\n`;
}
