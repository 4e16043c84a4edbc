import { copyField } from '@md/storage';

// One row of a data file: PostgreSQL's COPY text format (https://www.postgresql.org/docs/15/sql-copy.html,
// "Text Format"), the format `COPY … FROM STDIN` reads back. The values arrive as the server's
// own text output (`column::text`), which is what COPY TO would write for them, so only the
// format's escapes are added, by the writers' own copyField.
export function copyLine(values: ReadonlyArray<string | null>): string {
  return `${values.map(copyField).join('\t')}\n`;
}
