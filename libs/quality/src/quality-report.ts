import { COMPLETENESS_TYPE, newYorkDayOf, pct, reportWindow, type DayBars, type DayScore, type QualityReport, type ReportRow } from './quality-report-model';
import { summarizeReport } from './quality-report-summary';
import { rangeSentence } from './quality-report-html';

// The quality report (GET /v1/quality/report): built from the stored quality rows, rendered as
// JSON, Markdown or an HTML page with a summary and charts (quality-report-html.ts).
export * from './quality-report-model';
export * from './quality-report-summary';
export * from './quality-report-html';
export * from './report-charts';

export interface ReportRequest {
  /** Requested range, `from` included, `to` excluded (ISO instants); the report covers the whole New York days overlapping it. */
  from: string;
  to: string;
  truncated: boolean;
  /** Bars of the flagged days to chart; none when absent. */
  dayBars?: DayBars[];
}

/**
 * Rows are expected with window starts in the report window (reportWindow: the caller queries
 * [start, end)); rows outside it are dropped here so the summary never counts a day it does not show.
 */
export function buildQualityReport(rows: readonly ReportRow[], q: ReportRequest): QualityReport {
  const window = reportWindow(q.from, q.to);
  const inWindow = rows.filter((r) => r.windowStart >= window.start && r.windowStart < window.end);
  const completeness: DayScore[] = [];
  const issues: ReportRow[] = [];
  const counts: Record<string, number> = {};
  for (const r of inWindow) {
    if (r.type === COMPLETENESS_TYPE) {
      const e = r.evidence as { date?: string; ratio?: number; expectedMinutes?: number; observedMinutes?: number };
      completeness.push({
        symbol: r.symbol, timeframe: r.timeframe, date: e.date ?? newYorkDayOf(r.windowStart),
        ratio: e.ratio ?? NaN, expectedMinutes: e.expectedMinutes ?? 0, observedMinutes: e.observedMinutes ?? 0,
      });
    } else {
      issues.push(r);
      counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
  }
  const symbols = [...new Set(inWindow.map((r) => r.symbol))].sort();
  return { from: q.from, to: q.to, window, symbols, completeness, counts, issues, truncated: q.truncated, dayBars: q.dayBars ?? [] };
}

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function reportMarkdown(r: QualityReport): string {
  const s = summarizeReport(r);
  const lines = [`# Data quality ${r.window.firstDay} .. ${r.window.lastDay}`, '', `${rangeSentence(r)}.`, ''];
  if (r.truncated) lines.push('_Truncated: narrow the range or the symbols to see every row; the summary counts only the rows shown._', '');
  lines.push('## Summary', '', `Symbols: ${s.symbols.join(', ') || '(none)'}. ${s.scoredDays} symbol-days scored${s.firstScored ? `, ${s.firstScored} .. ${s.lastScored}` : ''}.`, '');
  lines.push('| completeness | days |', '|---|---|', ...s.bands.map((b) => `| ${b.label} | ${b.days} |`), '');
  const worst = s.worst ? `${s.worst.symbol} ${s.worst.date}: ${pct(s.worst.ratio)} (${s.worst.observedMinutes} / ${s.worst.expectedMinutes} minutes)` : 'n/a';
  lines.push(`Median day: ${s.median === null ? 'n/a' : pct(s.median)}. Worst day: ${worst}.`, '');
  lines.push('Findings by type:', '', s.issuesByType.map((t) => `- ${t.type}: ${t.count}`).join('\n') || '- none', '');
  lines.push('## Completeness per symbol per day', '', '| symbol | timeframe | date | completeness | observed / expected minutes |', '|---|---|---|---|---|');
  for (const d of r.completeness) lines.push(`| ${d.symbol} | ${d.timeframe} | ${d.date} | ${pct(d.ratio)} | ${d.observedMinutes} / ${d.expectedMinutes} |`);
  lines.push('', '## Findings', '', '| window start | symbol | timeframe | type | severity | evidence |', '|---|---|---|---|---|---|');
  for (const i of r.issues) lines.push(`| ${i.windowStart} | ${i.symbol} | ${i.timeframe} | ${i.type} | ${i.severity} | ${mdCell(JSON.stringify(i.evidence))} |`);
  return `${lines.join('\n')}\n`;
}

/** The flagged days' bars, in the flagged days' order (worst first); a day without bars keeps an empty list. */
export function chartDayBars(days: ReadonlyArray<{ symbol: string; date: string }>, bars: ReadonlyArray<{ symbol: string; time: string; close: number }>): DayBars[] {
  const byDay = new Map(days.map((d) => [`${d.symbol}|${d.date}`, { symbol: d.symbol, date: d.date, bars: [] as DayBars['bars'] }]));
  for (const b of bars) byDay.get(`${b.symbol}|${newYorkDayOf(b.time)}`)?.bars.push({ time: b.time, close: b.close });
  return [...byDay.values()];
}
