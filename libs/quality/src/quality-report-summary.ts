import { COMPLETENESS_TYPE, newYorkDayOf, type DayScore, type QualityReport, type ReportRow } from './quality-report-model';

// What a reader wants before any table: how complete the days were and what was found.

/** Completeness bands, best first; a day falls in the first band whose floor it reaches. */
export const COMPLETENESS_BANDS = [
  { label: '100%', floor: 1, colour: '#1a7f37' },
  { label: '≥ 99.9%', floor: 0.999, colour: '#4ac26b' },
  { label: '≥ 99%', floor: 0.99, colour: '#aceebb' },
  { label: '≥ 95%', floor: 0.95, colour: '#f2cc60' },
  { label: '< 95%', floor: -Infinity, colour: '#d1242f' },
] as const;
export const NO_SCORE = { label: 'no score (weekend, holiday or no data)', colour: '#ebedf0' };

export function bandOf(ratio: number): (typeof COMPLETENESS_BANDS)[number] | undefined {
  return Number.isFinite(ratio) ? COMPLETENESS_BANDS.find((b) => ratio >= b.floor) : undefined;
}

export interface ReportSummary {
  symbols: string[];
  /** Symbol-days with a completeness score, and the first and last such New York date. */
  scoredDays: number;
  firstScored: string | null;
  lastScored: string | null;
  bands: Array<{ label: string; colour: string; days: number }>;
  median: number | null;
  worst: DayScore | null;
  issuesByType: Array<{ type: string; count: number }>;
}

export function summarizeReport(r: QualityReport): ReportSummary {
  const scored = r.completeness.filter((d) => Number.isFinite(d.ratio));
  const ratios = scored.map((d) => d.ratio).sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const median = ratios.length === 0 ? null : ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
  const worst = scored.reduce<DayScore | null>((w, d) => (w === null || d.ratio < w.ratio ? d : w), null);
  const dates = r.completeness.map((d) => d.date).sort();
  return {
    symbols: r.symbols,
    scoredDays: r.completeness.length,
    firstScored: dates[0] ?? null,
    lastScored: dates.at(-1) ?? null,
    bands: COMPLETENESS_BANDS.map((b) => ({ label: b.label, colour: b.colour, days: scored.filter((d) => bandOf(d.ratio) === b).length })),
    median,
    worst,
    issuesByType: Object.entries(r.counts).map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
  };
}

const SEVERITY_RANK: Record<string, number> = { critical: 3, warning: 2, info: 1 };

export interface FlaggedDay {
  symbol: string;
  date: string;
  issues: number;
}

/**
 * Symbol-days with at least one finding, worst first (highest severity, then most findings, then
 * lowest completeness, then oldest), at most `limit`: the days that get a price chart.
 */
export function flaggedDays(rows: readonly ReportRow[], limit: number): FlaggedDay[] {
  const ratio = new Map<string, number>();
  const days = new Map<string, FlaggedDay & { severity: number }>();
  for (const r of rows) {
    const date = r.type === COMPLETENESS_TYPE ? String(r.evidence.date ?? newYorkDayOf(r.windowStart)) : newYorkDayOf(r.windowStart);
    const key = `${r.symbol}|${date}`;
    if (r.type === COMPLETENESS_TYPE) {
      ratio.set(key, Number(r.evidence.ratio));
      continue;
    }
    const day = days.get(key) ?? { symbol: r.symbol, date, issues: 0, severity: 0 };
    day.issues += 1;
    day.severity = Math.max(day.severity, SEVERITY_RANK[r.severity.toLowerCase()] ?? 0);
    days.set(key, day);
  }
  const completeness = (d: FlaggedDay) => ratio.get(`${d.symbol}|${d.date}`) ?? 1;
  return [...days.values()]
    .sort((a, b) => b.severity - a.severity || b.issues - a.issues || completeness(a) - completeness(b) || a.date.localeCompare(b.date) || a.symbol.localeCompare(b.symbol))
    .slice(0, Math.max(0, limit))
    .map(({ symbol, date, issues }) => ({ symbol, date, issues }));
}
