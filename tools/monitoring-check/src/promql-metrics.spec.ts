import { dashboardQueries, exportedMetricNames, metricNamesInPromQL, substituteGrafanaVariables } from './promql-metrics';

describe('metricNamesInPromQL', () => {
  it('finds the selected metrics, not functions, aggregations, labels or keywords', () => {
    const expr = 'histogram_quantile(0.95, sum by (le, stage) (rate(md_batch_duration_seconds_bucket{stage="x"}[5m]))) and on() (max(up{job="md-services"}) == 1)';
    expect(metricNamesInPromQL(expr)).toEqual(['md_batch_duration_seconds_bucket', 'up']);
  });

  it('reads both sides of a ratio and of set operators', () => {
    expect(metricNamesInPromQL('sum(rate(a_total[5m])) / sum(rate(b_total[5m])) or c_gauge > 1')).toEqual(['a_total', 'b_total', 'c_gauge']);
  });

  it('accepts Grafana variables in ranges and label values', () => {
    expect(metricNamesInPromQL('increase(md_quality_issues_total{symbol=~"$symbol", x="${other}"}[$__rate_interval])')).toEqual(['md_quality_issues_total']);
  });

  it('rejects a query that does not parse, saying where', () => {
    expect(() => metricNamesInPromQL('sum(rate(md_records_in_total[5m])')).toThrow(/PromQL syntax error at offset/);
  });
});

describe('substituteGrafanaVariables', () => {
  it('turns interval variables into durations and other variables into a plain value', () => {
    expect(substituteGrafanaVariables('rate(x{s=~"$symbol"}[$__range])')).toBe('rate(x{s=~"x"}[5m])');
  });
});

describe('exportedMetricNames', () => {
  it('reads TYPE lines and adds histogram and summary series suffixes', () => {
    const text = [
      '# HELP md_records_in_total Records read.', '# TYPE md_records_in_total counter',
      '# TYPE md_batch_duration_seconds histogram', '# TYPE nodejs_gc_summary summary', 'md_records_in_total{stage="p"} 3',
    ].join('\n');
    expect([...exportedMetricNames(text)].sort()).toEqual([
      'md_batch_duration_seconds', 'md_batch_duration_seconds_bucket', 'md_batch_duration_seconds_count', 'md_batch_duration_seconds_sum',
      'md_records_in_total', 'nodejs_gc_summary', 'nodejs_gc_summary_count', 'nodejs_gc_summary_sum',
    ]);
  });
});

describe('dashboardQueries', () => {
  it('collects targets of panels, of panels nested in rows, and label_values variables', () => {
    const queries = dashboardQueries({
      panels: [{ title: 'A', targets: [{ expr: 'a' }] }, { title: 'row', type: 'row', panels: [{ title: 'B', targets: [{ expr: 'b' }, {}] }] }],
      templating: { list: [{ name: 'symbol', query: { query: 'label_values(md_quality_completeness_ratio, symbol)' } }, { name: 'c', query: 'custom' }] },
    });
    expect(queries).toEqual([
      { where: 'panel "A"', expr: 'a' }, { where: 'panel "B"', expr: 'b' }, { where: 'variable $symbol', expr: 'md_quality_completeness_ratio' },
    ]);
  });
});
