import { buildQualityReport, chartDayBars, reportHtml, reportMarkdown, reportWindow, type ReportRow } from './quality-report';

const completeness = (date: string, windowStart: string, ratio: number, observed: number, expected = 390): ReportRow => ({
  symbol: 'DBB', timeframe: '1m', type: 'completeness', severity: ratio >= 0.999 ? 'info' : 'warning', windowStart, windowEnd: windowStart,
  evidence: { date, ratio, expectedMinutes: expected, observedMinutes: observed },
});
// Completeness rows start at New York midnight (04:00Z in summer), before the first bar.
const rows: ReportRow[] = [
  completeness('2024-07-01', '2024-07-01T04:00:00.000Z', 1, 390),
  completeness('2024-07-03', '2024-07-03T04:00:00.000Z', 1, 210, 210),
  { symbol: 'DBB', timeframe: '1m', type: 'missing_bars', severity: 'warning', windowStart: '2024-07-05T14:00:00.000Z', windowEnd: '2024-07-05T14:45:00.000Z',
    evidence: { missingBars: 45, note: 'a|b <script>' } },
  completeness('2024-07-05', '2024-07-05T04:00:00.000Z', 345 / 390, 345),
];
// As the quick start asks: from its first bar (13:30Z), to just after its last one.
const q = { from: '2024-07-01T13:30:00.000Z', to: '2024-07-05T20:00:00.000Z', truncated: false };

describe('quality report', () => {
  const report = buildQualityReport(rows, q);

  it('covers the New York days whose noon is in [from, to): the day of the first bar, not the day after to', () => {
    expect(reportWindow(q.from, q.to)).toEqual({ firstDay: '2024-07-01', lastDay: '2024-07-05', start: '2024-07-01T04:00:00.000Z', end: '2024-07-06T04:00:00.000Z' });
    // Bounds at UTC or New York midnights name exactly the dates: from included, to excluded.
    expect(reportWindow('2024-07-01T04:00:00Z', '2024-07-06T04:00:00Z')).toMatchObject({ firstDay: '2024-07-01', lastDay: '2024-07-05' });
    expect(reportWindow('2024-04-01T00:00:00Z', '2024-05-01T00:00:00Z')).toMatchObject({ firstDay: '2024-04-01', lastDay: '2024-04-30' });
    expect(reportWindow('2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z')).toEqual({ firstDay: '2024-01-02', lastDay: '2024-01-02', start: '2024-01-02T05:00:00.000Z', end: '2024-01-03T05:00:00.000Z' });
    // Less than a noon: no day at all, and an empty range of window starts.
    const none = reportWindow('2024-01-02T18:00:00Z', '2024-01-02T20:00:00Z');
    expect(none.lastDay < none.firstDay && none.start === none.end).toBe(true);
  });

  it('keeps the first day, whose completeness row starts at midnight before from', () => {
    expect(report.completeness.map((d) => d.date)).toEqual(['2024-07-01', '2024-07-03', '2024-07-05']);
    expect(reportMarkdown(report)).toContain('| DBB | 1m | 2024-07-01 | 100.00% | 390 / 390 |');
    expect(reportHtml(report)).toContain('data-date="2024-07-01"');
  });

  it('drops rows outside the window, so the summary counts only days it covers', () => {
    const extra = completeness('2024-07-08', '2024-07-08T04:00:00.000Z', 0.5, 195);
    expect(buildQualityReport([...rows, extra], q).completeness).toHaveLength(3);
  });

  it('heads the report with the last day of data, not the day after, and says which end is excluded', () => {
    const late = buildQualityReport(rows, { ...q, to: '2024-07-06T00:00:00Z' });
    for (const text of [reportHtml(late), reportMarkdown(late)]) {
      expect(text).toContain('Data quality 2024-07-01 .. 2024-07-05');
      expect(text).toContain('New York days 2024-07-01 .. 2024-07-05 (both included): the days whose New York noon is in the requested from 2024-07-01T13:30:00.000Z (included)');
      expect(text).toContain('to 2024-07-06T00:00:00Z (excluded)');
      expect(text).not.toMatch(/Data quality [^\n<]*2024-07-06/);
    }
  });

  it('puts the summary first: bands, median, worst day and findings by type', () => {
    const md = reportMarkdown(report);
    expect(md.indexOf('## Summary')).toBeLessThan(md.indexOf('## Completeness per symbol per day'));
    expect(md).toContain('| 100% | 2 |');
    expect(md).toContain('| < 95% | 1 |');
    expect(md).toContain('Median day: 100.00%. Worst day: DBB 2024-07-05: 88.46% (345 / 390 minutes).');
    expect(md).toContain('- missing_bars: 1');
    expect(md).toContain('a\\|b');
    const html = reportHtml(report);
    expect(html.indexOf('id="summary"')).toBeLessThan(html.indexOf('class="heatmap"'));
    expect(html.indexOf('class="heatmap"')).toBeLessThan(html.indexOf('<details>'));
  });

  it('renders HTML with every value escaped and nothing to fetch', () => {
    const html = reportHtml(report);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
  });

  it('draws a price chart per flagged day in the given order, empty days included', () => {
    const days = chartDayBars([{ symbol: 'DBB', date: '2024-07-05' }, { symbol: 'DBB', date: '2024-07-02' }], [
      { symbol: 'DBB', time: '2024-07-05T13:30:00.000Z', close: 17.9 }, { symbol: 'DBB', time: '2024-07-05T13:31:00.000Z', close: 17.95 },
      { symbol: 'XYZ', time: '2024-07-05T13:30:00.000Z', close: 1 },
    ]);
    expect(days.map((d) => [d.date, d.bars.length])).toEqual([['2024-07-05', 2], ['2024-07-02', 0]]);
    const html = reportHtml(buildQualityReport(rows, { ...q, dayBars: days }));
    expect(html.match(/class="price-chart"/g)).toHaveLength(2);
    expect(html).toContain('no bars stored for this day');
  });
});
