import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { LOCAL_STACK, SERVICE_NAMES, SERVICE_PORTS, objectShape } from '@md/config';
import { repoRoot } from '../src/paths';
/* eslint-disable-next-line @nx/enforce-module-boundaries -- the apps' config schemas, collected once for the deploy checks */
import { SERVICE_CONFIGS as CONFIGS } from '../../../tools/k8s-check/src/service-configs';

// docker-compose.yml must not drift from the code: the services, their ports and env names come from
// libs/config (SERVICE_PORTS, LOCAL_STACK) and the apps' zod configs. No Docker engine is needed:
// `docker-compose config -q` validates the file, the rest reads it as YAML.

const ROOT = repoRoot(__dirname);
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

const INFRA = ['kafka', 'schema-registry', 'timescaledb', 'redis', 'prometheus', 'grafana', 'kafka-exporter'] as const;

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: number | string; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  healthcheck?: { test?: string | string[] };
  depends_on?: string[] | Record<string, { condition?: string }>;
  stop_grace_period?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

function readYaml<T>(file: string): T {
  // merge: docker-compose.yml shares env and healthcheck timings through `<<: *anchor`
  return parse(readFileSync(file, 'utf8'), { merge: true }) as T;
}

const compose = readYaml<ComposeFile>(COMPOSE_FILE);
const service = (name: string): ComposeService => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service '${name}'`);
  return s;
};

function envOf(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

interface Published {
  hostIp?: string;
  published: number;
  target: number;
}

/** Short ("[ip:]host:container[/proto]") and long ({target, published, host_ip}) port syntax. */
function portsOf(name: string): Published[] {
  return (service(name).ports ?? []).map((p) => {
    if (typeof p === 'object') return { hostIp: p.host_ip, published: Number(p.published), target: Number(p.target) };
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.pop());
    const published = parts.length ? Number(parts.pop()) : target;
    return { hostIp: parts.length ? parts.join(':') : undefined, published, target };
  });
}

/** Compose durations such as 30s, 1m30s, 1500ms, in seconds. */
function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 };
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) total += Number(n) * units[unit];
  return total;
}

describe('docker-compose.yml', () => {
  it('passes `docker-compose config -q`', () => {
    try {
      execFileSync('docker-compose', ['-f', COMPOSE_FILE, 'config', '-q'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: Buffer; status?: number };
      if (e.code === 'ENOENT') {
        throw new Error('docker-compose is not on PATH: install it (apt-get install docker-compose) to validate docker-compose.yml');
      }
      throw new Error(`docker-compose config -q exited ${e.status}: ${e.stderr?.toString().trim()}`);
    }
  });

  it('defines exactly the six services and the infrastructure', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...SERVICE_NAMES, ...INFRA].sort());
  });

  describe.each(SERVICE_NAMES)('%s', (name) => {
    const port = SERVICE_PORTS[name];

    it('runs from the one image with its own entry point', () => {
      const s = service(name);
      expect(s.build).toBeDefined();
      expect(s.image).toBe('md-platform:local');
      const command = Array.isArray(s.command) ? s.command.join(' ') : s.command;
      expect(command).toBe(`node dist/apps/${name}/src/main.js`);
    });

    it(`publishes ${port} and sets HTTP_PORT=${port}`, () => {
      expect(portsOf(name)).toContainEqual(expect.objectContaining({ published: port, target: port }));
      expect(envOf(name).HTTP_PORT).toBe(String(port));
    });

    it('sets only env names of its zod config, and the config accepts them', () => {
      const allowed = Object.keys(objectShape(CONFIGS[name])!);
      const env = envOf(name);
      expect(Object.keys(env).filter((k) => !allowed.includes(k))).toEqual([]);
      expect(env).toEqual(expect.objectContaining({ KAFKA_BROKERS: expect.any(String), SCHEMA_REGISTRY_URL: expect.any(String) }));
      const parsed = CONFIGS[name].safeParse(env);
      expect(parsed.success ? 'valid' : parsed.error.issues).toBe('valid');
      expect(env.HTTP_HOST ?? '0.0.0.0').toBe('0.0.0.0'); // the Dockerfile's default
    });

    it('reaches the infrastructure by compose host name, on the local stack paths', () => {
      const env = envOf(name);
      for (const broker of env.KAFKA_BROKERS.split(',')) expect(broker.split(':')[0]).toBe('kafka');
      const registry = new URL(env.SCHEMA_REGISTRY_URL);
      expect(registry.hostname).toBe('schema-registry');
      expect(registry.pathname).toBe(new URL(LOCAL_STACK.registryUrl).pathname);
    });

    it('has a /ready healthcheck on its port and a stop grace period longer than its drain', () => {
      const s = service(name);
      const test = Array.isArray(s.healthcheck?.test) ? s.healthcheck.test.join(' ') : (s.healthcheck?.test ?? '');
      expect(test).toContain(`http://127.0.0.1:${port}/ready`);
      const grace = Number(envOf(name).SHUTDOWN_GRACE_SECONDS ?? (objectShape(CONFIGS[name])!.SHUTDOWN_GRACE_SECONDS as z.ZodTypeAny).parse(undefined));
      expect(seconds(s.stop_grace_period ?? '10s')).toBeGreaterThan(grace);
    });
  });

  it('gives timescale-writer DATABASE_URL and feature-engine REDIS_URL, on the compose hosts', () => {
    const db = new URL(envOf('timescale-writer').DATABASE_URL);
    const local = new URL(LOCAL_STACK.databaseUrl);
    expect(db.hostname).toBe('timescaledb');
    expect(db.pathname).toBe(local.pathname);
    expect(db.username).toBe(local.username);
    expect(`/${envOf('timescaledb').POSTGRES_DB}`).toBe(local.pathname);
    expect(new URL(envOf('feature-engine').REDIS_URL).hostname).toBe('redis');
  });

  it('publishes the infrastructure on the local stack ports (LOCAL_STACK)', () => {
    const kafka = LOCAL_STACK.kafkaBrokers.split(',')[0].split(':');
    const expected: [string, string, number][] = [
      ['kafka', kafka[0], Number(kafka[1])],
      ['schema-registry', new URL(LOCAL_STACK.registryUrl).hostname, Number(new URL(LOCAL_STACK.registryUrl).port)],
      ['timescaledb', new URL(LOCAL_STACK.databaseUrl).hostname, Number(new URL(LOCAL_STACK.databaseUrl).port)],
      ['redis', new URL(LOCAL_STACK.redisUrl).hostname, Number(new URL(LOCAL_STACK.redisUrl).port)],
    ];
    expect(expected.map(([, , port]) => port)).toEqual([9092, 8081, 5432, 6379]);
    for (const [name, host, port] of expected) {
      const published = portsOf(name).find((p) => p.published === port);
      expect(published ? `${name} ${published.hostIp ?? host}:${published.published}` : `${name} not published`).toBe(`${name} ${host}:${port}`);
    }
    // clients on the host are handed the advertised host listener, which must be LOCAL_STACK's
    expect(envOf('kafka').KAFKA_ADVERTISED_LISTENERS.split(',')).toContain(`PLAINTEXT_HOST://${LOCAL_STACK.kafkaBrokers}`);
  });

  it('has Prometheus scrape all six services on their ports', () => {
    const mounts = (service('prometheus').volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    expect(mounts.map((m) => normalize(m.split(':')[0]))).toContain(normalize('./deploy/prometheus'));
    const prom = readYaml<{ scrape_configs: { metrics_path?: string; static_configs?: { targets: string[] }[] }[] }>(
      join(ROOT, 'deploy/prometheus/prometheus.yml'),
    );
    const targets = prom.scrape_configs.flatMap((job) =>
      (job.static_configs ?? []).flatMap((sc) => sc.targets.map((t) => `${t}${job.metrics_path ?? '/metrics'}`)),
    );
    for (const name of SERVICE_NAMES) expect(targets).toContain(`${name}:${SERVICE_PORTS[name]}/metrics`);
  });

  it('provisions Grafana with the Prometheus datasource', () => {
    const mounts = (service('grafana').volumes ?? []).map(String);
    expect(mounts.some((m) => m.startsWith('./deploy/grafana/provisioning:'))).toBe(true);
    const ds = readYaml<{ datasources: { type: string; url: string }[] }>(join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'));
    expect(ds.datasources).toContainEqual(expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }));
  });
});
