import { buildQualityReport, reportHtml, reportMarkdown, type ReportRow } from './quality-report';

const rows: ReportRow[] = [
  { symbol: 'DBB', timeframe: '1m', type: 'completeness', severity: 'info', windowStart: '2024-07-03T13:30:00.000Z', windowEnd: '2024-07-03T17:00:00.000Z',
    evidence: { date: '2024-07-03', ratio: 1, expectedMinutes: 210, observedMinutes: 210 } },
  { symbol: 'DBB', timeframe: '1m', type: 'missing_bars', severity: 'warning', windowStart: '2024-07-05T14:00:00.000Z', windowEnd: '2024-07-05T14:45:00.000Z',
    evidence: { missingBars: 45, note: 'a|b <script>' } },
];

describe('quality report', () => {
  const report = buildQualityReport(rows, { from: '2024-07-01T00:00:00Z', to: '2024-07-08T00:00:00Z', truncated: false });

  it('separates completeness per day from issues and counts issues by type', () => {
    expect(report.completeness).toEqual([{ symbol: 'DBB', timeframe: '1m', date: '2024-07-03', ratio: 1, expectedMinutes: 210, observedMinutes: 210 }]);
    expect(report.counts).toEqual({ missing_bars: 1 });
    expect(report.issues).toHaveLength(1);
    expect(report.symbols).toEqual(['DBB']);
  });

  it('renders Markdown tables with pipes in evidence escaped', () => {
    const md = reportMarkdown(report);
    expect(md).toContain('| DBB | 1m | 2024-07-03 | 100.00% | 210 / 210 |');
    expect(md).toContain('- missing_bars: 1');
    expect(md).toContain('a\\|b');
  });

  it('renders HTML with every value escaped', () => {
    const html = reportHtml(report);
    expect(html).toContain('<td style="background:#c8e6c9">100.00%</td>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  });
});
