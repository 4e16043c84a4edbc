import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NAMES, SERVICE_PORTS } from '@md/config';
import { repoRoot } from '@md/testing';
import { dashboardQueries, metricNamesInPromQL } from '../src/promql-metrics';

// The monitoring files as `docker compose up` uses them (issue #7, item 2): rule files load in
// promtool, the compose file validates with the dashboards and rules mounted, Grafana's providers
// point at the mounts, and every dashboard is well formed. Needs promtool (Debian package
// `prometheus`) and docker-compose (Debian package): .ci/run installs both; no Docker engine.

const ROOT = repoRoot(__dirname);
const DASHBOARDS = join(ROOT, 'deploy/grafana/dashboards');
const RULES = join(ROOT, 'deploy/prometheus/rules');
const readYaml = <T>(file: string): T => parse(readFileSync(join(ROOT, file), 'utf8'), { merge: true }) as T;

function run(tool: string, args: string[], debianPackage: string): string {
  try {
    return execFileSync(tool, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: Buffer; stderr?: Buffer; status?: number };
    if (e.code === 'ENOENT') throw new Error(`${tool} is not on PATH: install it (apt-get install ${debianPackage}); .ci/run does`);
    throw new Error(`${tool} ${args.join(' ')} exited ${e.status}: ${e.stdout?.toString()}${e.stderr?.toString()}`);
  }
}

interface Panel { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; datasource?: { uid: string }; targets?: { expr: string }[] }
interface Dashboard { uid: string; title: string; panels: Panel[] }
const boards = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, board: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard }));
const compose = readYaml<{ services: Record<string, { volumes?: string[]; command?: string[]; environment?: Record<string, string> }> }>('docker-compose.yml');

describe('Prometheus rules, Grafana provisioning and compose mounts (integration)', () => {
  it('loads every rule file with `promtool check rules`', () => {
    const files = readdirSync(RULES).filter((f) => f.endsWith('.yml')).map((f) => join(RULES, f));
    expect(files.map((f) => f.slice(RULES.length + 1)).sort()).toEqual(['data-quality.yml', 'ops.yml']);
    const out = run('promtool', ['check', 'rules', ...files], 'prometheus');
    expect(out.match(/SUCCESS: \d+ rules found/g)).toHaveLength(files.length);
  });

  it('fires each alert on synthetic series, and not in the near-miss cases (`promtool test rules`)', () => {
    const out = run('promtool', ['test', 'rules', join(ROOT, 'deploy/prometheus/tests/alerts.test.yml')], 'prometheus');
    expect(out).toContain('SUCCESS');
  });

  it('validates prometheus.yml with `promtool check config`', () => {
    expect(run('promtool', ['check', 'config', '--syntax-only', join(ROOT, 'deploy/prometheus/prometheus.yml')], 'prometheus')).toContain('SUCCESS');
  });

  it('has an alert for each operational condition of issue #7', () => {
    const alerts = new Map(['data-quality.yml', 'ops.yml'].flatMap((f) =>
      readYaml<{ groups: { rules: { alert: string; expr: string; for?: string }[] }[] }>(`deploy/prometheus/rules/${f}`).groups.flatMap((g) => g.rules.map((r) => [r.alert, r] as const))));
    expect(alerts.get('MdStageDown')?.expr).toContain('up{job="md-services"} == 0');
    expect(alerts.get('MdConsumerLagGrowing')).toMatchObject({ for: '5m', expr: expect.stringContaining('deriv(kafka_consumergroup_lag_sum') });
    expect(alerts.get('MdDeadLetterRateHigh')?.expr).toContain('md_records_rejected_total');
    expect(alerts.get('MdStaleDataDuringMarketHours')?.expr).toContain('md_quality_session_open');
    expect(alerts.get('MdCompletenessBelowTarget')?.expr).toContain('< 0.999');
  });

  it('passes `docker-compose config -q` with the dashboards, provisioning and rules mounted', () => {
    run('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config', '-q'], 'docker-compose');
    expect(compose.services.prometheus.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    expect(compose.services.grafana.volumes).toEqual(expect.arrayContaining([
      './deploy/grafana/provisioning:/etc/grafana/provisioning:ro', './deploy/grafana/dashboards:/etc/grafana/dashboards/md-platform:ro',
    ]));
    expect(compose.services['kafka-exporter'].command).toContain('--kafka.server=kafka:29092');
  });

  it('points the Grafana dashboard provider and home dashboard at the mounted folder', () => {
    const provider = readYaml<{ providers: { type: string; options: { path: string } }[] }>('deploy/grafana/provisioning/dashboards/md-platform.yml').providers[0];
    expect(provider).toMatchObject({ type: 'file', options: { path: '/etc/grafana/dashboards/md-platform' } });
    expect(compose.services.grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${provider.options.path}/overview.json`);
  });

  it('scrapes every service on its port and the kafka-exporter', () => {
    const prom = readYaml<{ rule_files: string[]; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }>('deploy/prometheus/prometheus.yml');
    const targets = (job: string) => prom.scrape_configs.find((j) => j.job_name === job)?.static_configs.flatMap((s) => s.targets) ?? [];
    expect(targets('md-services').sort()).toEqual(SERVICE_NAMES.map((n) => `${n}:${SERVICE_PORTS[n]}`).sort());
    expect(targets('kafka-exporter')).toEqual(['kafka-exporter:9308']);
    expect(prom.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
  });

  it('has an overview, a data-quality board and one board per stage, with unique uids', () => {
    expect(boards.map((b) => b.file).sort()).toEqual(['data-quality.json', 'overview.json', ...SERVICE_NAMES.map((n) => `stage-${n}.json`)].sort());
    expect(new Set(boards.map((b) => b.board.uid)).size).toBe(boards.length);
  });

  it.each(boards.map((b) => [b.file, b.board] as const))('%s: panels use the provisioned datasource, fit the grid and parse', (_file, board) => {
    const ds = readYaml<{ datasources: { uid: string }[] }>('deploy/grafana/provisioning/datasources/prometheus.yml').datasources[0].uid;
    expect(new Set(board.panels.map((p) => p.id)).size).toBe(board.panels.length);
    for (const p of board.panels.filter((x) => x.type !== 'row')) {
      expect(`${p.title}: ${p.datasource?.uid}`).toBe(`${p.title}: ${ds}`);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      expect(p.targets?.length).toBeGreaterThan(0);
    }
    for (const q of dashboardQueries(board)) expect(() => metricNamesInPromQL(q.expr)).not.toThrow();
  });

  it('shows on the overview throughput, latency, lag, dead letters and errors', () => {
    const overview = boards.find((b) => b.file === 'overview.json')!.board;
    const names = new Set(dashboardQueries(overview).flatMap((q) => metricNamesInPromQL(q.expr)));
    for (const n of ['up', 'md_records_in_total', 'md_records_out_total', 'md_quality_freshness_seconds', 'md_alpaca_stream_publish_latency_seconds_bucket',
      'kafka_consumergroup_lag_sum', 'md_records_rejected_total', 'md_retries_total',
      // What operators watch (issue 14): sink latency, read API duration, pool, disk, feature store hits.
      'md_end_to_end_latency_seconds_bucket', 'md_query_duration_seconds_bucket', 'md_db_pool_connections', 'md_db_size_bytes', 'md_feature_store_reads_total']) expect(names).toContain(n);
  });

  it('shows on the data-quality board completeness, freshness, outliers and duplicates per symbol', () => {
    const board = boards.find((b) => b.file === 'data-quality.json')!.board;
    const queries = dashboardQueries(board).map((q) => q.expr).join('\n');
    for (const n of ['md_quality_completeness_ratio', 'md_quality_freshness_seconds', 'md_quality_missing_bars_total']) expect(queries).toContain(n);
    expect(queries).toMatch(/md_quality_issues_total\{type="price_outlier"/);
    expect(queries).toMatch(/md_quality_issues_total\{type="duplicate"/);
    expect(queries).toMatch(/by \(symbol/);
  });
});
