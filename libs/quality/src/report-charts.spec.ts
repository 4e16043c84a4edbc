import { completenessHeatmap, dayPriceChart, issuesOverTime } from './report-charts';
import type { DayScore, ReportRow } from './quality-report-model';

const score = (date: string, ratio: number): DayScore => ({ symbol: 'DBB', timeframe: '1m', date, ratio, expectedMinutes: 390, observedMinutes: Math.round(ratio * 390) });
const issue = (type: string, windowStart: string, windowEnd = windowStart): ReportRow =>
  ({ symbol: 'DBB', timeframe: '1m', type, severity: 'warning', windowStart, windowEnd, evidence: {} });
const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;

describe('completeness heatmap', () => {
  // Monday 1 July to Friday 12 July 2024: 12 days, 9 trading days (4 July a holiday).
  const scores = ['01', '02', '03', '05', '08', '09', '10', '11', '12'].map((d) => score(`2024-07-${d}`, d === '09' ? 0.9 : 1));

  it('draws a cell per calendar day, scored ones coloured by band, with a tooltip each', () => {
    const svg = completenessHeatmap('DBB', scores, '2024-07-01', '2024-07-12');
    expect(count(svg, /<rect class="day/g)).toBe(12);
    expect(count(svg, /<rect class="day scored"/g)).toBe(9);
    expect(count(svg, /<title>/g)).toBe(12);
    expect(svg).toContain('<title>DBB 2024-07-09: 90.00% complete (351 / 390 minutes)</title>');
    expect(svg).toMatch(/data-date="2024-07-09"[^>]*fill="#d1242f"/);
    expect(svg).toMatch(/data-date="2024-07-04"[^>]*fill="#ebedf0"/);
    expect(svg).toContain('class="legend"');
  });

  it('lays weeks out as columns and weekdays as rows', () => {
    const svg = completenessHeatmap('DBB', scores, '2024-07-01', '2024-07-12');
    const at = (date: string) => svg.match(new RegExp(`data-date="${date}" x="(\\d+)" y="(\\d+)"`))!.slice(1).map(Number);
    expect(at('2024-07-08')[0]).toBe(at('2024-07-01')[0] + 13);
    expect(at('2024-07-08')[1]).toBe(at('2024-07-01')[1]);
    expect(at('2024-07-02')[1]).toBe(at('2024-07-01')[1] + 13);
  });

  it('escapes a symbol that carries markup', () => {
    const svg = completenessHeatmap('<img src=x onerror=alert(1)>', [], '2024-07-01', '2024-07-01');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('findings over time', () => {
  it('stacks a segment per type in each week, empty weeks kept as empty groups', () => {
    const issues = [issue('missing_bars', '2024-07-01T15:00:00Z'), issue('missing_bars', '2024-07-02T15:00:00Z'), issue('price_outlier', '2024-07-02T16:00:00Z'),
      issue('duplicate', '2024-07-16T15:00:00Z')];
    const svg = issuesOverTime(issues, '2024-07-01', '2024-07-19');
    expect(count(svg, /<g class="bucket"/g)).toBe(3);
    expect(count(svg, /<rect class="seg"/g)).toBe(3);
    expect(svg).toContain('<title>week of 2024-07-01: 2 × missing_bars</title>');
    expect(svg).toContain('<title>week of 2024-07-15: 1 × duplicate</title>');
  });

  it('switches to months beyond a year of days', () => {
    const svg = issuesOverTime([issue('stale', '2024-03-05T15:00:00Z')], '2023-07-10', '2025-07-08');
    expect(count(svg, /<g class="bucket"/g)).toBe(25);
    expect(svg).toContain('<title>month 2024-03: 1 × stale</title>');
  });
});

describe('day price chart', () => {
  const bars = Array.from({ length: 60 }, (_, n) => ({ time: new Date(Date.UTC(2024, 6, 5, 13, 30 + n)).toISOString(), close: 17 + (n % 7) / 100 }));

  it('draws the closes as a line and marks the bars inside a finding window', () => {
    const spike = issue('price_outlier', '2024-07-05T13:40:00.000Z', '2024-07-05T13:42:00.000Z');
    const svg = dayPriceChart({ symbol: 'DBB', date: '2024-07-05', bars }, [spike]);
    expect(svg.match(/points="([^"]+)"/)![1].split(' ')).toHaveLength(60);
    expect(count(svg, /<circle class="flag"/g)).toBe(2);
    expect(count(svg, /<rect class="finding"/g)).toBe(1);
    expect(svg).toContain('DBB 2024-07-05: price_outlier');
  });

  it('shades a gap that has no bars under it', () => {
    const gap = issue('missing_bars', '2024-07-05T14:45:00.000Z', '2024-07-05T15:00:00.000Z');
    const svg = dayPriceChart({ symbol: 'DBB', date: '2024-07-05', bars }, [gap]);
    expect(count(svg, /<circle class="flag"/g)).toBe(0);
    const [x, w] = svg.match(/class="finding" x="([\d.]+)" y="\d+" width="([\d.]+)"/)!.slice(1).map(Number);
    expect(x).toBeGreaterThan(44);
    expect(w).toBeGreaterThan(2);
  });
});
