/** Left-aligned plain-text columns (two spaces apart) with a header row; values stringified. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cells = [header.map(String), ...rows.map((r) => r.map((v) => (v === null || v === undefined ? '-' : String(v))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}
