import { parser } from '@prometheus-io/lezer-promql';

// Which metric names a dashboard panel or alert rule reads, so a test can hold them against what
// the services really export. PromQL is parsed with Prometheus' own grammar (the lezer grammar of
// its web UI), so a query that does not parse is an error here too, not a silently empty panel.

/** Names written by something other than the six services, and who writes them. */
export const EXTERNAL_METRICS: Readonly<Record<string, string>> = {
  up: 'Prometheus itself: 1 when the last scrape of a target succeeded',
  kafka_consumergroup_lag: 'danielqsj/kafka-exporter: log-end minus committed offset per group, topic, partition',
  kafka_consumergroup_lag_sum: 'danielqsj/kafka-exporter: the same summed over a topic\'s partitions',
  kafka_consumergroup_members: 'danielqsj/kafka-exporter: members of a consumer group',
};

/** Grafana's built-in interval variables, and any dashboard variable, replaced by parseable stand-ins. */
export function substituteGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{\w+(:\w+)?\}|\$\w+/g, 'x');
}

/** The metric names a PromQL expression selects; throws naming the offset of a syntax error. */
export function metricNamesInPromQL(expr: string): string[] {
  const query = substituteGrafanaVariables(expr);
  const tree = parser.parse(query);
  const names = new Set<string>();
  let errorAt: number | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError && errorAt === undefined) errorAt = node.from;
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.add(query.slice(id.from, id.to));
      }
    },
  });
  if (errorAt !== undefined) throw new Error(`PromQL syntax error at offset ${errorAt}: ${query.slice(0, errorAt)}⟨here⟩${query.slice(errorAt)}`);
  return [...names].sort();
}

/** Series names a Prometheus text exposition declares: `# TYPE` lines, histograms and summaries with their suffixes. */
export function exportedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (!m) continue;
    const [, name, type] = m;
    names.add(name);
    if (type === 'histogram') ['_bucket', '_sum', '_count'].forEach((s) => names.add(name + s));
    if (type === 'summary') ['_sum', '_count'].forEach((s) => names.add(name + s));
  }
  return names;
}

interface GrafanaPanel {
  title?: string;
  type?: string;
  targets?: Array<{ expr?: string }>;
  panels?: GrafanaPanel[];
}
interface GrafanaDashboard {
  title?: string;
  panels?: GrafanaPanel[];
  templating?: { list?: Array<{ name?: string; query?: string | { query?: string }; definition?: string }> };
}

/** Every PromQL string of a dashboard (panel targets, rows' nested panels, query variables), labelled by where it is. */
export function dashboardQueries(dashboard: GrafanaDashboard): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  const visit = (panels: GrafanaPanel[] = []) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel "${p.title}"`, expr: t.expr });
      visit(p.panels);
    }
  };
  visit(dashboard.panels);
  for (const v of dashboard.templating?.list ?? []) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    // label_values(<selector>, <label>): only the selector is PromQL
    const selector = q && /^label_values\((.+),\s*\w+\)$/.exec(q.trim())?.[1];
    if (selector) out.push({ where: `variable $${v.name}`, expr: selector });
  }
  return out;
}
