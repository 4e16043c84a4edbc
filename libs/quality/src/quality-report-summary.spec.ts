import { bandOf, flaggedDays, summarizeReport } from './quality-report-summary';
import { buildQualityReport, type ReportRow } from './quality-report';

const row = (symbol: string, type: string, severity: string, windowStart: string, evidence: Record<string, unknown> = {}): ReportRow =>
  ({ symbol, timeframe: '1m', type, severity, windowStart, windowEnd: windowStart, evidence });
const day = (symbol: string, date: string, ratio: number) => row(symbol, 'completeness', 'info', `${date}T04:00:00.000Z`, { date, ratio, expectedMinutes: 390, observedMinutes: Math.round(390 * ratio) });

describe('report summary', () => {
  it('puts each day in the first band whose floor it reaches', () => {
    expect([1, 0.9995, 0.999, 0.995, 0.96, 0.5].map((r) => bandOf(r)?.label)).toEqual(['100%', '≥ 99.9%', '≥ 99.9%', '≥ 99%', '≥ 95%', '< 95%']);
    expect(bandOf(NaN)).toBeUndefined();
  });

  it('counts days per band, and gives the median and the worst day', () => {
    const rows = [day('AAA', '2024-07-01', 1), day('AAA', '2024-07-02', 0.99), day('BBB', '2024-07-01', 0.5), day('BBB', '2024-07-02', 1)];
    const s = summarizeReport(buildQualityReport(rows, { from: '2024-07-01T00:00:00Z', to: '2024-07-03T00:00:00Z', truncated: false }));
    expect(s.bands.map((b) => b.days)).toEqual([2, 0, 1, 0, 1]);
    expect(s.median).toBeCloseTo(0.995);
    expect(s.worst).toMatchObject({ symbol: 'BBB', date: '2024-07-01', ratio: 0.5 });
    expect([s.scoredDays, s.firstScored, s.lastScored]).toEqual([4, '2024-07-01', '2024-07-02']);
  });

  it('ranks days with findings by severity, then count, then completeness, and keeps at most the limit', () => {
    const rows = [
      row('AAA', 'volume_anomaly', 'info', '2024-07-01T15:00:00Z'), row('AAA', 'volume_anomaly', 'info', '2024-07-01T16:00:00Z'),
      row('BBB', 'missing_bars', 'warning', '2024-07-02T15:00:00Z'),
      row('CCC', 'missing_bars', 'warning', '2024-07-02T15:00:00Z'), day('CCC', '2024-07-02', 0.9), day('BBB', '2024-07-02', 0.95),
      day('DDD', '2024-07-02', 0.5),
    ];
    expect(flaggedDays(rows, 10)).toEqual([
      { symbol: 'CCC', date: '2024-07-02', issues: 1 }, { symbol: 'BBB', date: '2024-07-02', issues: 1 }, { symbol: 'AAA', date: '2024-07-01', issues: 2 },
    ]);
    expect(flaggedDays(rows, 1)).toHaveLength(1);
    expect(flaggedDays(rows, 0)).toEqual([]);
  });
});
