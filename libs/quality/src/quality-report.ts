// The quality report (GET /v1/quality/report): built from the stored quality rows, rendered as
// JSON, Markdown or a small HTML page. Completeness rows (type 'completeness', one per symbol,
// timeframe and New York day) carry the day's expected and observed session minutes.

export interface ReportRow {
  symbol: string;
  timeframe: string;
  type: string;
  severity: string;
  windowStart: string;
  windowEnd: string;
  evidence: Record<string, unknown>;
}

export interface DayScore {
  symbol: string;
  timeframe: string;
  date: string;
  ratio: number;
  expectedMinutes: number;
  observedMinutes: number;
}

export interface QualityReport {
  from: string;
  to: string;
  symbols: string[];
  completeness: DayScore[];
  counts: Record<string, number>;
  issues: ReportRow[];
  truncated: boolean;
}

export const COMPLETENESS_TYPE = 'completeness';

export function buildQualityReport(rows: readonly ReportRow[], q: { from: string; to: string; truncated: boolean }): QualityReport {
  const completeness: DayScore[] = [];
  const issues: ReportRow[] = [];
  const counts: Record<string, number> = {};
  for (const r of rows) {
    if (r.type === COMPLETENESS_TYPE) {
      const e = r.evidence as { date?: string; ratio?: number; expectedMinutes?: number; observedMinutes?: number };
      completeness.push({
        symbol: r.symbol, timeframe: r.timeframe, date: e.date ?? r.windowStart.slice(0, 10),
        ratio: e.ratio ?? NaN, expectedMinutes: e.expectedMinutes ?? 0, observedMinutes: e.observedMinutes ?? 0,
      });
    } else {
      issues.push(r);
      counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
  }
  const symbols = [...new Set(rows.map((r) => r.symbol))].sort();
  return { from: q.from, to: q.to, symbols, completeness, counts, issues, truncated: q.truncated };
}

const pct = (ratio: number) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(2)}%` : 'n/a');
const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function reportMarkdown(r: QualityReport): string {
  const lines = [`# Data quality ${r.from} .. ${r.to}`, '', `Symbols: ${r.symbols.join(', ') || '(none)'}`, ''];
  lines.push('## Completeness per symbol per day', '', '| symbol | timeframe | date | completeness | observed / expected minutes |', '|---|---|---|---|---|');
  for (const d of r.completeness) lines.push(`| ${d.symbol} | ${d.timeframe} | ${d.date} | ${pct(d.ratio)} | ${d.observedMinutes} / ${d.expectedMinutes} |`);
  lines.push('', '## Issues', '', Object.entries(r.counts).map(([t, n]) => `- ${t}: ${n}`).join('\n') || '- none', '');
  lines.push('| window start | symbol | timeframe | type | severity | evidence |', '|---|---|---|---|---|---|');
  for (const i of r.issues) lines.push(`| ${i.windowStart} | ${i.symbol} | ${i.timeframe} | ${i.type} | ${i.severity} | ${mdCell(JSON.stringify(i.evidence))} |`);
  if (r.truncated) lines.push('', '_Truncated: narrow the range or the symbols to see every row._');
  return `${lines.join('\n')}\n`;
}

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function reportHtml(r: QualityReport): string {
  const cell = (ratio: number) => {
    const colour = !Number.isFinite(ratio) ? '#eee' : ratio >= 0.999 ? '#c8e6c9' : ratio >= 0.95 ? '#fff9c4' : '#ffcdd2';
    return `<td style="background:${colour}">${pct(ratio)}</td>`;
  };
  const days = r.completeness.map((d) => `<tr><td>${esc(d.symbol)}</td><td>${esc(d.timeframe)}</td><td>${esc(d.date)}</td>${cell(d.ratio)}<td>${d.observedMinutes} / ${d.expectedMinutes}</td></tr>`);
  const issues = r.issues.map((i) => `<tr><td>${esc(i.windowStart)}</td><td>${esc(i.symbol)}</td><td>${esc(i.timeframe)}</td><td>${esc(i.type)}</td><td>${esc(i.severity)}</td><td><code>${esc(JSON.stringify(i.evidence))}</code></td></tr>`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Data quality ${esc(r.from)} .. ${esc(r.to)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}</style></head><body>
<h1>Data quality ${esc(r.from)} .. ${esc(r.to)}</h1>
<h2>Completeness per symbol per day</h2>
<table><tr><th>symbol</th><th>timeframe</th><th>date</th><th>completeness</th><th>observed / expected minutes</th></tr>${days.join('')}</table>
<h2>Issues</h2><ul>${Object.entries(r.counts).map(([t, n]) => `<li>${esc(t)}: ${n}</li>`).join('') || '<li>none</li>'}</ul>
<table><tr><th>window start</th><th>symbol</th><th>timeframe</th><th>type</th><th>severity</th><th>evidence</th></tr>${issues.join('')}</table>
${r.truncated ? '<p><em>Truncated: narrow the range or the symbols to see every row.</em></p>' : ''}
</body></html>
`;
}
