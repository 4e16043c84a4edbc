import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@md/config';
import { httpJson, registerTestSecrets, repoRoot, startService, stopService, uniqueId, waitReady, type RunningService } from '@md/testing';
import { AlpacaRestSimulator, AlpacaStreamSimulator, PolygonSimulator } from '@md/simulators';
import { EXTERNAL_METRICS, dashboardQueries, exportedMetricNames, metricNamesInPromQL } from '../src/promql-metrics';

// Integration (issue #7, item 2): every Grafana panel and every alert rule reads only metrics the
// six services really export, as their /metrics pages declare them on the real stack, or a name
// from the documented external list (EXTERNAL_METRICS: Prometheus' `up`, kafka-exporter's lag).
// The gateway runs with Alpaca and Polygon streams (simulators) so its per-provider stream series
// (md_<provider>_stream_*) exist.

const ROOT = repoRoot(__dirname);
const DASHBOARDS = join(ROOT, 'deploy/grafana/dashboards');
const RULES = join(ROOT, 'deploy/prometheus/rules');
const KEY = 'AKMONITORKEY0000222';
const SECRET = 'monitor-secret-never-logged-7';
const POLYGON_KEY = 'monitor-polygon-key-never-logged-9';

function queriesOfRules(): Array<{ where: string; expr: string }> {
  return readdirSync(RULES).filter((f) => f.endsWith('.yml')).flatMap((file) => {
    const doc = parse(readFileSync(join(RULES, file), 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }> };
    return doc.groups.flatMap((g) => g.rules.map((r) => ({ where: `${file} ${r.alert ?? r.record}`, expr: r.expr })));
  });
}

function queriesOfDashboards(): Array<{ where: string; expr: string }> {
  return readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))
    .flatMap((file) => dashboardQueries(JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8'))).map((q) => ({ ...q, where: `${file} ${q.where}` })));
}

describe('dashboards and alert rules read exported metrics (integration)', () => {
  const run = uniqueId('M');
  const services: RunningService[] = [];
  let stream: AlpacaStreamSimulator;
  let rest: AlpacaRestSimulator;
  let polygon: PolygonSimulator;
  const exported = new Map<string, Set<string>>();

  beforeAll(async () => {
    registerTestSecrets(KEY, SECRET, POLYGON_KEY);
    stream = await AlpacaStreamSimulator.start({ key: KEY, secret: SECRET, bars: [] });
    rest = await AlpacaRestSimulator.start({ keyId: KEY, secretKey: SECRET, includeDbb: false });
    polygon = await PolygonSimulator.start({ apiKey: POLYGON_KEY, clock: 'live', stream: [] });
    for (const name of SERVICE_NAMES) {
      const env: Record<string, string> = { GROUP_ID: `${name}-${run}`, TRANSACTIONAL_ID: `${name}-${run}` };
      if (name === 'feed-gateway') Object.assign(env, { ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_BARS: `${run}A`, ALPACA_STREAM_URL: stream.url, ALPACA_DATA_URL: rest.url,
        POLYGON_API_KEY: POLYGON_KEY, POLYGON_CHANNELS: `AM.${run}P`, POLYGON_STREAM_URL: polygon.wsUrl, POLYGON_REST_URL: polygon.restUrl,
      });
      services.push(await startService(name, env, `test-${run}-${name}`));
    }
    await Promise.all(services.map((s) => waitReady(s)));
    for (const s of services) {
      const page = await httpJson(s.port, '/metrics');
      if (page.status !== 200) throw new Error(`${s.name} /metrics answered ${page.status}`);
      exported.set(s.name, exportedMetricNames(String(page.body)));
    }
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await stream?.close();
    await rest?.stop();
    await polygon?.stop();
  });

  it('reads /metrics from all six services', () => {
    expect([...exported.keys()].sort()).toEqual([...SERVICE_NAMES].sort());
    for (const [name, names] of exported) expect(`${name}: ${names.has('md_records_in_total')}`).toBe(`${name}: true`);
  });

  it('has dashboards and rules to check', () => {
    expect(queriesOfDashboards().length).toBeGreaterThan(50);
    expect(queriesOfRules().length).toBeGreaterThanOrEqual(9);
  });

  it('names in every panel, variable and rule are exported by a service or listed as external', () => {
    const all = new Set([...exported.values()].flatMap((s) => [...s]));
    const unknown = [...queriesOfDashboards(), ...queriesOfRules()]
      .flatMap(({ where, expr }) => metricNamesInPromQL(expr).filter((n) => !all.has(n) && !(n in EXTERNAL_METRICS)).map((n) => `${where}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('reads each service-specific series from the service that exports it', () => {
    // A stage dashboard filters by service="<name>": its md_* series must come from that service.
    for (const name of SERVICE_NAMES) {
      const board = JSON.parse(readFileSync(join(DASHBOARDS, `stage-${name}.json`), 'utf8'));
      const names = dashboardQueries(board).flatMap((q) => metricNamesInPromQL(q.expr)).filter((n) => n.startsWith('md_'));
      expect(names.filter((n) => !exported.get(name)!.has(n)).map((n) => `${name}: ${n}`)).toEqual([]);
    }
  });
});
