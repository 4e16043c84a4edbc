import { addDays, datesBetween, esc, newYorkDayOf, pct, type DayBars, type DayScore, type ReportRow } from './quality-report-model';
import { COMPLETENESS_BANDS, NO_SCORE, bandOf } from './quality-report-summary';

// The report's charts as hand-written inline SVG strings: pure functions, no chart library and
// nothing fetched, so the page renders from a file opened offline. Every text node and attribute
// value built from data goes through esc(). A <title> in a shape is the browser's tooltip.

const CELL = 11;
const STEP = 13;
const WEEKDAYS = ['Mon', '', 'Wed', '', 'Fri', '', ''];
/** Per-type colours, in order of first appearance in the sorted type list (Okabe-Ito, colour-blind safe). */
const TYPE_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#d55e00', '#56b4e9', '#f0e442', '#000000'];

const svg = (cls: string, width: number, height: number, body: string, label: string) =>
  `<svg class="${cls}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}">${body}</svg>`;
const text = (x: number, y: number, content: string, extra = '') => `<text x="${x}" y="${y}" font-size="10" fill="#57606a"${extra}>${esc(content)}</text>`;
/** Monday = 0 .. Sunday = 6 of a calendar date. */
const weekday = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
const mondayOf = (date: string) => addDays(date, -weekday(date));

/**
 * One symbol's completeness, GitHub style: a column per week (Monday first), a row per weekday,
 * a cell per day from `first` to `last`, coloured by band; days without a score are grey.
 */
export function completenessHeatmap(symbol: string, scores: readonly DayScore[], first: string, last: string): string {
  const byDate = new Map(scores.map((d) => [d.date, d]));
  const left = 30;
  const top = 16;
  const start = mondayOf(first);
  const col = (date: string) => Math.round((Date.parse(`${mondayOf(date)}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / (7 * 86_400_000));
  const cells: string[] = [];
  const months: string[] = [];
  let lastMonth = '';
  for (const date of datesBetween(first, last)) {
    const x = left + col(date) * STEP;
    const y = top + weekday(date) * STEP;
    const score = byDate.get(date);
    const band = score ? bandOf(score.ratio) : undefined;
    const tip = score ? `${symbol} ${date}: ${pct(score.ratio)} complete (${score.observedMinutes} / ${score.expectedMinutes} minutes)` : `${symbol} ${date}: no score`;
    cells.push(`<rect class="day${score ? ' scored' : ''}" data-date="${date}" x="${x}" y="${y}" width="${CELL}" height="${CELL}" rx="2" fill="${band?.colour ?? NO_SCORE.colour}"><title>${esc(tip)}</title></rect>`);
    if (date.slice(0, 7) !== lastMonth && (weekday(date) === 0 || date === first)) {
      lastMonth = date.slice(0, 7);
      months.push(text(x, top - 5, lastMonth));
    }
  }
  const weeks = col(last) + 1;
  const labels = WEEKDAYS.map((d, i) => (d ? text(0, top + i * STEP + 9, d) : '')).join('');
  const legendY = top + 7 * STEP + 8;
  const legend = [...COMPLETENESS_BANDS, NO_SCORE].map((b, i) => {
    const x = left + i * 92;
    return `<rect x="${x}" y="${legendY}" width="${CELL}" height="${CELL}" rx="2" fill="${b.colour}"/>${text(x + 15, legendY + 9, b.label === NO_SCORE.label ? 'no score' : b.label)}`;
  }).join('');
  const width = Math.max(left + weeks * STEP + 4, left + 6 * 92);
  return svg('heatmap', width, legendY + CELL + 4, `${labels}${months.join('')}<g class="cells">${cells.join('')}</g><g class="legend">${legend}</g>`, `completeness calendar of ${symbol}`);
}

/** Week buckets (keyed by their Monday) up to a year of days; month buckets beyond, to stay readable. */
function bucketOf(span: number): { key: (date: string) => string; label: string; next: (key: string) => string } {
  if (span <= 371) return { key: mondayOf, label: 'week of', next: (k) => addDays(k, 7) };
  return {
    key: (d) => `${d.slice(0, 7)}`,
    label: 'month',
    next: (k) => new Date(Date.UTC(Number(k.slice(0, 4)), Number(k.slice(5, 7)), 1)).toISOString().slice(0, 7),
  };
}

/** Findings per week (or month) from `first` to `last`, a bar per bucket stacked by type. */
export function issuesOverTime(issues: readonly ReportRow[], first: string, last: string): string {
  const types = [...new Set(issues.map((i) => i.type))].sort();
  const colour = (t: string) => TYPE_COLOURS[types.indexOf(t) % TYPE_COLOURS.length];
  const span = datesBetween(first, last).length;
  const bucket = bucketOf(span);
  const keys: string[] = [];
  for (let k = bucket.key(first); k <= bucket.key(last); k = bucket.next(k)) keys.push(k);
  const counts = new Map(keys.map((k) => [k, new Map<string, number>()]));
  for (const i of issues) {
    const perType = counts.get(bucket.key(newYorkDayOf(i.windowStart)));
    if (perType) perType.set(i.type, (perType.get(i.type) ?? 0) + 1);
  }
  const max = Math.max(1, ...[...counts.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0)));
  const left = 34;
  const plotH = 120;
  // Buckets share about 640 px (at least 5 px each, at most 60 so a few weeks still span the
  // first and last date labels without overlap).
  const step = Math.max(5, Math.min(60, Math.floor(640 / keys.length)));
  const barW = Math.max(3, Math.round(step * 0.8));
  const bars = keys.map((k, n) => {
    const x = left + n * step;
    let y = 8 + plotH;
    const segs = types.filter((t) => counts.get(k)!.has(t)).map((t) => {
      const c = counts.get(k)!.get(t)!;
      const h = Math.max(1, (c / max) * plotH);
      y -= h;
      return `<rect class="seg" x="${x}" y="${y.toFixed(1)}" width="${barW}" height="${h.toFixed(1)}" fill="${colour(t)}"><title>${esc(`${bucket.label} ${k}: ${c} × ${t}`)}</title></rect>`;
    });
    return `<g class="bucket" data-bucket="${esc(k)}">${segs.join('')}</g>`;
  });
  const right = left + keys.length * step;
  const axis = `<line x1="${left - 2}" y1="${8 + plotH}" x2="${right}" y2="${8 + plotH}" stroke="#8c959f"/>${text(0, 14, String(max))}${text(0, 8 + plotH, '0')}`;
  const ticks = `${text(left, plotH + 22, keys[0])}${keys.length > 1 ? text(right, plotH + 22, keys[keys.length - 1], ' text-anchor="end"') : ''}`;
  const legend = types.map((t, i) => `<rect x="${left + i * 130}" y="${plotH + 32}" width="10" height="10" fill="${colour(t)}"/>${text(left + i * 130 + 14, plotH + 41, t)}`).join('');
  const width = Math.max(right + 10, left + types.length * 130);
  return svg('issues-chart', width, plotH + 50, `${axis}${bars.join('')}${ticks}<g class="legend">${legend}</g>`, `findings per ${bucket.label === 'month' ? 'month' : 'week'}`);
}

/**
 * One symbol-day's closes as a line, each finding's window shaded (a gap shows as a shaded span
 * with no line under it) and every bar inside a finding's window marked with a red dot.
 */
export function dayPriceChart(day: DayBars, issues: readonly ReportRow[]): string {
  const width = 360;
  const height = 110;
  const pad = { left: 44, right: 6, top: 16, bottom: 16 };
  const title = text(pad.left, 11, `${day.symbol} ${day.date}: ${[...new Set(issues.map((i) => i.type))].join(', ') || 'no findings'}`);
  if (day.bars.length === 0) return svg('price-chart', width, height, `${title}${text(pad.left, 50, 'no bars stored for this day')}`, `closes of ${day.symbol} on ${day.date}`);
  const times = day.bars.map((b) => Date.parse(b.time));
  const t0 = Math.min(times[0], ...issues.map((i) => Date.parse(i.windowStart)));
  const t1 = Math.max(times[times.length - 1] + 60_000, ...issues.map((i) => Date.parse(i.windowEnd)));
  const closes = day.bars.map((b) => b.close);
  const lo = Math.min(...closes);
  const hi = Math.max(...closes);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (t: number) => pad.left + ((t - t0) / Math.max(1, t1 - t0)) * plotW;
  const y = (v: number) => pad.top + (hi === lo ? plotH / 2 : ((hi - v) / (hi - lo)) * plotH);
  const shades = issues.map((i) => {
    const a = x(Math.max(t0, Date.parse(i.windowStart)));
    const w = Math.max(2, x(Math.min(t1, Date.parse(i.windowEnd))) - a);
    return `<rect class="finding" x="${a.toFixed(1)}" y="${pad.top}" width="${w.toFixed(1)}" height="${plotH}" fill="#ffd8b5" opacity="0.8"><title>${esc(`${i.type} (${i.severity}) ${i.windowStart} .. ${i.windowEnd}`)}</title></rect>`;
  });
  const points = day.bars.map((b, n) => `${x(times[n]).toFixed(1)},${y(b.close).toFixed(1)}`).join(' ');
  const inFinding = (t: number) => issues.some((i) => t >= Date.parse(i.windowStart) && t < Date.parse(i.windowEnd));
  const flags = day.bars.filter((_, n) => inFinding(times[n]))
    .map((b) => `<circle class="flag" cx="${x(Date.parse(b.time)).toFixed(1)}" cy="${y(b.close).toFixed(1)}" r="2.5" fill="#d1242f"><title>${esc(`${b.time} close ${b.close}`)}</title></circle>`);
  // Closes are decimal strings in the database; six significant digits are enough for an axis.
  const price = (v: number) => String(Number(v.toPrecision(6)));
  const end = ' text-anchor="end"';
  const axis = `${text(pad.left - 3, pad.top + 8, price(hi), end)}${text(pad.left - 3, pad.top + plotH, price(lo), end)}`
    + `${text(pad.left, height - 3, new Date(t0).toISOString().slice(11, 16))}${text(width - 2, height - 3, `${new Date(t1).toISOString().slice(11, 16)} UTC`, end)}`;
  const line = `<polyline class="close" points="${points}" fill="none" stroke="#0969da" stroke-width="1.2"/>`;
  return svg('price-chart', width, height, `${title}${axis}${shades.join('')}${line}${flags.join('')}`, `closes of ${day.symbol} on ${day.date}`);
}
