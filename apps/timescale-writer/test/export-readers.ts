import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

// Independent readers of the exported files, for the columnar-export integration spec: DuckDB's
// own Parquet and CSV readers, and flechette (a second Arrow implementation, ESM only, so run in a
// child node process). Every value comes back as text: decimals exactly, times as epoch microseconds.

export type TextRow = Record<string, string | null>;

/** DuckDB's text of each column: decimals and int64 exactly, timestamps as epoch microseconds, floats with full precision. */
function duckColumns(columns: Array<{ name: string; type: string }>): string {
  return columns.map(({ name, type }) => {
    const c = `"${name}"`;
    if (type.startsWith('TIMESTAMP')) return `epoch_us(${c})::VARCHAR AS ${c}`;
    if (type === 'DOUBLE') return `CASE WHEN ${c} IS NULL THEN NULL ELSE ${c}::VARCHAR END AS ${c}`;
    return `${c}::VARCHAR AS ${c}`;
  }).join(', ');
}

/** Rows of a Parquet file or of a CSV file (with the column types a researcher would give read_csv), plus DuckDB's column types. */
export async function duckdbRows(path: string, kind: 'parquet' | 'csv', csvTypes: Record<string, string> = {}): Promise<{ types: Record<string, string>; rows: TextRow[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const types = Object.entries(csvTypes).map(([k, v]) => `'${k}': '${v}'`).join(', ');
    const source = kind === 'parquet' ? `read_parquet('${path}')` : `read_csv('${path}', header = true${types ? `, types = {${types}}` : ''})`;
    const described = (await db.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJson() as Array<{ column_name: string; column_type: string }>;
    const columns = described.map((d) => ({ name: d.column_name, type: d.column_type }));
    const rows = (await db.runAndReadAll(`SELECT ${duckColumns(columns)} FROM ${source}`)).getRowObjectsJson() as TextRow[];
    return { types: Object.fromEntries(columns.map((c) => [c.name, c.type])), rows };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

// flechette: raw int64 microseconds from the timestamp buffers (its row objects turn them into
// millisecond numbers), decimals as unscaled bigints (useDecimalInt) formatted at the column's scale.
const FLECHETTE = `
import { tableFromIPC } from '@uwdata/flechette';
import { readFileSync } from 'node:fs';
const table = tableFromIPC(readFileSync(process.argv[1]), { useDecimalInt: true, useBigInt: true });
const text = (field, column, i) => {
  const v = column.at(i);
  if (v === null || v === undefined) return null;
  if (field.type.typeId === 10) { let k = i; for (const b of column.data) { if (k < b.length) return String(b.values[k]); k -= b.length; } }
  if (field.type.typeId === 7) { const s = field.type.scale, n = v < 0n ? -v : v, d = n.toString().padStart(s + 1, '0'); return (v < 0n ? '-' : '') + d.slice(0, -s) + '.' + d.slice(-s); }
  return String(v);
};
const fields = table.schema.fields;
const rows = [];
for (let i = 0; i < table.numRows; i++) rows.push(Object.fromEntries(fields.map((f) => [f.name, text(f, table.getChild(f.name), i)])));
const types = Object.fromEntries(fields.map((f) => [f.name, JSON.stringify(f.type, (k, v) => (typeof v === 'bigint' ? String(v) : v))]));
process.stdout.write(JSON.stringify({ types, batches: table.getChildAt(0).data.length, rows }));
`;

/** Rows of an Arrow IPC stream as flechette reads it, its field types as JSON and its record batch count. */
export async function flechetteRows(path: string, cwd: string): Promise<{ types: Record<string, string>; batches: number; rows: TextRow[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', FLECHETTE, path], { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  return JSON.parse(stdout);
}
