import { esc, newYorkDayOf, pct, type QualityReport } from './quality-report-model';
import { summarizeReport, type ReportSummary } from './quality-report-summary';
import { completenessHeatmap, dayPriceChart, issuesOverTime } from './report-charts';

// The report as one self-contained HTML page: summary first, then the charts (inline SVG, no
// script, no external resource, so it opens from .stack/reports/ offline), then the full tables
// folded away in <details>. The data: icon stops the browser asking the server for /favicon.ico.

const rowsOf = (n: number) => `${n} row${n === 1 ? '' : 's'}`;

const STYLE = `body{font-family:system-ui,sans-serif;margin:2em;color:#1f2328;max-width:1100px}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:2px 6px;font-size:13px;text-align:left}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.charts{display:flex;flex-wrap:wrap;gap:12px}.note{color:#57606a;font-size:13px}
summary{cursor:pointer;font-weight:600;margin:1em 0}`;

/** "New York days A .. B" with both ends' meaning spelled out. */
export function rangeSentence(r: QualityReport): string {
  const { firstDay, lastDay } = r.window;
  const asked = `the requested from ${r.from} (included) to ${r.to} (excluded)`;
  if (lastDay < firstDay) return `No New York day: none has its noon in ${asked}`;
  return `New York days ${firstDay} .. ${lastDay} (both included): the days whose New York noon is in ${asked}`;
}

function summaryHtml(r: QualityReport, s: ReportSummary): string {
  const scored = s.scoredDays ? `${s.scoredDays} symbol-days scored, ${s.firstScored} .. ${s.lastScored}` : 'no completeness scores in this range';
  const bands = s.bands.map((b) => `<tr><td><span class="swatch" style="background:${b.colour}"></span>${esc(b.label)}</td><td>${b.days}</td></tr>`).join('');
  const worst = s.worst ? `${esc(s.worst.symbol)} ${esc(s.worst.date)}: ${pct(s.worst.ratio)} (${s.worst.observedMinutes} / ${s.worst.expectedMinutes} minutes)` : 'n/a';
  const types = s.issuesByType.map((t) => `<tr><td>${esc(t.type)}</td><td>${t.count}</td></tr>`).join('') || '<tr><td colspan="2">none</td></tr>';
  return `<section id="summary"><h2>Summary</h2>
<p>Symbols: ${esc(s.symbols.join(', ') || '(none)')}. ${esc(scored)}.</p>
<table class="bands"><tr><th>completeness</th><th>days</th></tr>${bands}</table>
<p>Median day: ${s.median === null ? 'n/a' : pct(s.median)}. Worst day: ${worst}.</p>
<h3>Findings by type</h3><table class="types"><tr><th>type</th><th>count</th></tr>${types}</table></section>`;
}

function chartsHtml(r: QualityReport, s: ReportSummary): string {
  if (!s.firstScored && r.issues.length === 0) return '<p>No quality rows in this range.</p>';
  const days = [...r.completeness.map((d) => d.date), ...r.issues.map((i) => newYorkDayOf(i.windowStart))].sort();
  const [first, last] = [days[0], days[days.length - 1]];
  const heatmaps = s.symbols.map((sym) => `<h3>${esc(sym)}</h3>${completenessHeatmap(sym, r.completeness.filter((d) => d.symbol === sym), first, last)}`).join('');
  const prices = r.dayBars.map((d) => dayPriceChart(d, r.issues.filter((i) => i.symbol === d.symbol && newYorkDayOf(i.windowStart) === d.date)));
  const priceSection = prices.length
    ? `<p class="note">Closes of the ${prices.length === 1 ? 'day' : `${prices.length} worst days`} with findings (most severe first); shaded: a finding's window, red dots: bars inside one.</p><div class="charts">${prices.join('')}</div>`
    : '<p class="note">No day with findings in this range.</p>';
  return `<section id="charts"><h2>Completeness calendar</h2><p class="note">One cell per New York day (hover for the score); rows Monday to Sunday.</p>${heatmaps}
<h2>Findings over time</h2>${issuesOverTime(r.issues, first, last)}
<h2>Days with findings</h2>${priceSection}</section>`;
}

function tablesHtml(r: QualityReport): string {
  const days = r.completeness.map((d) => `<tr><td>${esc(d.symbol)}</td><td>${esc(d.timeframe)}</td><td>${esc(d.date)}</td><td>${pct(d.ratio)}</td><td>${d.observedMinutes} / ${d.expectedMinutes}</td></tr>`);
  const issues = r.issues.map((i) => `<tr><td>${esc(i.windowStart)}</td><td>${esc(i.symbol)}</td><td>${esc(i.timeframe)}</td><td>${esc(i.type)}</td><td>${esc(i.severity)}</td><td><code>${esc(JSON.stringify(i.evidence))}</code></td></tr>`);
  return `<h2>Completeness per symbol per day</h2><details><summary>${rowsOf(days.length)}</summary>
<table><tr><th>symbol</th><th>timeframe</th><th>date</th><th>completeness</th><th>observed / expected minutes</th></tr>${days.join('')}</table></details>
<h2>Findings</h2><details><summary>${rowsOf(issues.length)}</summary>
<table><tr><th>window start</th><th>symbol</th><th>timeframe</th><th>type</th><th>severity</th><th>evidence</th></tr>${issues.join('')}</table></details>`;
}

export function reportHtml(r: QualityReport): string {
  const s = summarizeReport(r);
  const title = `Data quality ${r.window.firstDay} .. ${r.window.lastDay}`;
  const truncated = r.truncated ? '<p><strong>Truncated: narrow the range or the symbols to see every row; the summary and charts count only the rows shown.</strong></p>' : '';
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${esc(title)}</title><style>${STYLE}</style></head><body>
<h1>${esc(title)}</h1><p class="note">${esc(rangeSentence(r))}.</p>${truncated}
${summaryHtml(r, s)}
${chartsHtml(r, s)}
${tablesHtml(r)}
</body></html>
`;
}
