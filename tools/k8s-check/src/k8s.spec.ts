import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAMES, SERVICE_PORTS, objectShape, type ServiceName } from '@md/config';
import { TOPIC_TABLE, TOPICS } from '@md/contracts';
import { repoRoot } from '@md/testing';
import { MDCTL_GROUP_VARIABLES, SERVICE_CONFIGS as CONFIGS, cronJobRules } from './service-configs';
import { readYamlDocuments, renderKustomization, type K8sObject } from './kustomize-render';
import { manifestProblems, resolveEnv, type ManifestRules, type ServiceRule } from './manifest-invariants';
import { schemaProblems } from './schema-validate';
import { cronJobProblems } from './cronjob-invariants';

// Renders every overlay of deploy/k8s, validates each object against the Kubernetes (and KEDA)
// schemas, and checks issue #7's rules against the code's own tables: SERVICE_PORTS, TOPIC_TABLE
// partitions and the apps' zod configs. Rendering is `kubectl kustomize` (kustomize-render.ts):
// without kubectl >= 1.21 on PATH the file fails to run with one message saying so.

const K8S = join(repoRoot(__dirname), 'deploy', 'k8s');
const OVERLAYS = { dev: 'keda', prod: 'keda', 'prod-hpa': 'hpa', 'prod-managed': 'keda' } as const;


// The consuming stages and the topics whose lag drives them (DESIGN.md services table); the two
// sources (feed-gateway, alt-data-aggregator) hold provider connections and run one replica.
const INPUTS: Partial<Record<ServiceName, readonly string[]>> = {
  preprocessor: [TOPICS.rawBars, TOPICS.corporateActions],
  'feature-engine': [TOPICS.bars, TOPICS.rawTrades],
  'timescale-writer': [TOPICS.bars],
  'quality-monitor': [TOPICS.rawBars, TOPICS.bars],
};

function rules(autoscaler: 'keda' | 'hpa'): ManifestRules {
  const services: Record<string, ServiceRule> = {};
  for (const name of SERVICE_NAMES) {
    services[name] = { port: SERVICE_PORTS[name], configKeys: Object.keys(objectShape(CONFIGS[name])!), inputTopics: INPUTS[name] };
  }
  return { services, partitions: Object.fromEntries(TOPIC_TABLE.map((t) => [t.name, t.partitions])), autoscaler };
}

// One kubectl run per overlay, at load: without a usable kubectl the file fails to run with the
// one message from kustomize-render.ts instead of repeating it under every test. Tests that edit
// objects clone them first.
const RENDERED: Record<string, K8sObject[]> = Object.fromEntries(
  Object.keys(OVERLAYS).map((overlay) => [overlay, renderKustomization(join(K8S, 'overlays', overlay))]),
);
const render = (overlay: string): K8sObject[] => RENDERED[overlay];
const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const workloads = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
// The consume-transform-produce stages: their config has TRANSACTIONAL_ID (transactionalStageConfig).
const TRANSACTIONAL = SERVICE_NAMES.filter((name) => 'TRANSACTIONAL_ID' in objectShape(CONFIGS[name])!);
const named = (objs: K8sObject[], kind: string, name: string) => {
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found;
};

const podOf = (cron: K8sObject) => cron.spec.jobTemplate.spec.template.spec;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe.each(Object.entries(OVERLAYS))('overlay %s', (overlay, autoscaler) => {
  const objs = render(overlay);

  it('renders only schema-valid objects', () => {
    expect(objs.flatMap(schemaProblems)).toEqual([]);
  });

  it('runs the six services with probes, limits, PDBs, non-root, read-only root and config-only env', () => {
    expect(workloads(objs).map((d) => d.metadata.name).sort()).toEqual([...SERVICE_NAMES].sort());
    expect(byKind(objs, 'PodDisruptionBudget')).toHaveLength(SERVICE_NAMES.length);
    expect(manifestProblems(objs, rules(autoscaler))).toEqual([]);
  });

  it('gives every service a config its zod schema accepts', () => {
    for (const name of SERVICE_NAMES) {
      const container = workloads(objs).find((w) => w.metadata.name === name)!.spec.template.spec.containers[0];
      // Values from Secrets (secretKeyRef, NAME_FILE) exist only in the cluster: checked by name above.
      const env = Object.fromEntries([...resolveEnv(objs, container)].filter(([k, v]) => v !== undefined && !k.endsWith('_FILE')));
      const parsed = CONFIGS[name].safeParse(env);
      expect(parsed.success ? [] : parsed.error.issues.map((i) => `${name}: ${i.path.join('.')} ${i.message}`)).toEqual([]);
      if (parsed.success) expect(parsed.data.HTTP_PORT).toBe(SERVICE_PORTS[name]);
    }
  });

  it('runs each transactional stage as a StatefulSet whose pod name is its TRANSACTIONAL_ID', () => {
    expect([...TRANSACTIONAL].sort()).toEqual(['feature-engine', 'preprocessor', 'quality-monitor']);
    for (const name of TRANSACTIONAL) {
      const set = named(objs, 'StatefulSet', name);
      const txn = set.spec.template.spec.containers[0].env.find((e: any) => e.name === 'TRANSACTIONAL_ID');
      expect(txn.valueFrom.fieldRef.fieldPath).toBe('metadata.name');
      const scaler = byKind(objs, autoscaler === 'keda' ? 'ScaledObject' : 'HorizontalPodAutoscaler').find((o) => o.spec.scaleTargetRef.name === name)!;
      expect(scaler.spec.scaleTargetRef.kind).toBe('StatefulSet');
    }
  });

  it(`scales each consuming stage with ${autoscaler === 'keda' ? 'a KEDA ScaledObject' : 'a CPU HPA'} capped at its partitions`, () => {
    const kind = autoscaler === 'keda' ? 'ScaledObject' : 'HorizontalPodAutoscaler';
    const targets = byKind(objs, kind).map((o) => o.spec.scaleTargetRef.name).sort();
    expect(targets).toEqual(Object.keys(INPUTS).sort());
    for (const o of byKind(objs, kind)) {
      const max = o.spec.maxReplicaCount ?? o.spec.maxReplicas;
      const cap = Math.min(...INPUTS[o.spec.scaleTargetRef.name as ServiceName]!.map((t) => TOPIC_TABLE.find((s) => s.name === t)!.partitions));
      expect(max).toBeLessThanOrEqual(cap);
    }
  });
  it('runs the scheduled jobs as CronJobs that never overlap, the gateway\'s with a config the gateway accepts', () => {
    const crons = byKind(objs, 'CronJob');
    expect(crons.map((c) => c.metadata.name).sort()).toEqual(['feed-gateway-corporate-actions', 'feed-gateway-options-chain', 'mdctl-backup']);
    expect(cronJobProblems(objs, cronJobRules())).toEqual([]);
    for (const cron of crons.filter((c) => c.metadata.name.startsWith('feed-gateway-'))) {
      const container = podOf(cron).containers[0];
      const env = Object.fromEntries([...resolveEnv(objs, container)].filter(([k, v]) => v !== undefined && !k.endsWith('_FILE')));
      const parsed = CONFIGS['feed-gateway'].safeParse({ ...env, ALPACA_KEY_ID: 'from-secret', ALPACA_SECRET_KEY: 'from-secret' });
      expect(parsed.success ? [] : parsed.error.issues.map((i) => `${cron.metadata.name}: ${i.path.join('.')} ${i.message}`)).toEqual([]);
    }
  });

  it('backs up the writer\'s database nightly to a PersistentVolumeClaim, with the writer\'s Secret, schema and group ids', () => {
    const pod = podOf(named(objs, 'CronJob', 'mdctl-backup'));
    const [env, writerEnv] = [resolveEnv(objs, pod.containers[0]), resolveEnv(objs, named(objs, 'Deployment', 'timescale-writer').spec.template.spec.containers[0])];
    const mount = pod.containers[0].volumeMounts.find((m: any) => env.get('DATABASE_URL_FILE')!.startsWith(`${m.mountPath}/`));
    expect([mount.readOnly, pod.volumes.find((v: any) => v.name === mount.name).secret.secretName]).toEqual([true, 'md-timescaledb-app']);
    const claim = pod.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName;
    expect(named(objs, 'PersistentVolumeClaim', claim).spec.resources.requests.storage).toBeTruthy();
    expect(env.get('DB_SCHEMA')).toBe(writerEnv.get('DB_SCHEMA'));
    const groups = MDCTL_GROUP_VARIABLES.filter((name) => writerEnv.has(name));
    expect(groups.length).toBeGreaterThan(0);
    for (const name of groups) {
      expect(pod.containers[0].command.join(' ')).toContain(`--group ${name}=$(${name})`);
      expect(env.get(name)).toBe(writerEnv.get(name));
    }
  });
});

describe('deploy/k8s tree', () => {
  it('has a case above for every overlay, so a new one cannot go unchecked', () => {
    const dirs = readdirSync(join(K8S, 'overlays'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(dirs.sort()).toEqual(Object.keys(OVERLAYS).sort());
  });

  it('holds no Secret with data anywhere, rendered or not', () => {
    const files = yamlFiles(K8S);
    expect(files.length).toBeGreaterThan(10);
    const leaks = files.flatMap((f) => readYamlDocuments(f).filter((o) => o.kind === 'Secret' && (o.data || o.stringData)).map(() => f));
    expect(leaks).toEqual([]);
  });

  it('reads the database URL from a mounted Secret file and provider keys from optional secretKeyRefs', () => {
    const prod = render('prod');
    const writer = named(prod, 'Deployment', 'timescale-writer').spec.template.spec;
    const fileEnv = writer.containers[0].env.find((e: any) => e.name === 'DATABASE_URL_FILE');
    const mount = writer.containers[0].volumeMounts.find((m: any) => fileEnv.value.startsWith(m.mountPath));
    expect(mount.readOnly).toBe(true);
    expect(writer.volumes.find((v: any) => v.name === mount.name).secret.secretName).toBe('md-timescaledb-app');
    const gateway = named(prod, 'Deployment', 'feed-gateway').spec.template.spec.containers[0];
    const secretRefs = gateway.env.filter((e: any) => e.valueFrom?.secretKeyRef);
    expect(secretRefs.map((e: any) => e.name)).toEqual(expect.arrayContaining(['ALPACA_KEY_ID', 'ALPACA_SECRET_KEY', 'POLYGON_API_KEY']));
    expect(secretRefs.every((e: any) => e.valueFrom.secretKeyRef.optional === true)).toBe(true);
  });

  it('gives prod two replicas of each stage at least and dev a lower cap', () => {
    for (const so of byKind(render('prod'), 'ScaledObject')) expect(so.spec.minReplicaCount).toBe(2);
    for (const so of byKind(render('dev'), 'ScaledObject')) expect(so.spec.maxReplicaCount).toBe(2);
    expect(named(render('prod'), 'StatefulSet', 'preprocessor').spec.template.spec.containers[0].image).toBe('registry.example.com/md-platform:0.1.0');
    expect(named(render('prod'), 'StatefulSet', 'feature-engine').spec.template.spec.containers[0].resources.limits.memory).toBe('1536Mi');
  });
});

describe('the checks catch a broken manifest', () => {
  const base = () => structuredClone(render('prod'));
  const deployment = (objs: K8sObject[], name: string) => workloads(objs).find((w) => w.metadata.name === name)!;
  const problemsAfter = (edit: (objs: K8sObject[]) => void) => {
    const objs = base();
    edit(objs);
    return manifestProblems(objs, rules('keda'));
  };

  it('reports a stage without a readiness probe', () => {
    expect(problemsAfter((o) => delete deployment(o, 'preprocessor').spec.template.spec.containers[0].readinessProbe)).toEqual([
      'StatefulSet/preprocessor: readinessProbe must GET /ready on port 3102',
    ]);
  });

  it('reports a ScaledObject allowed more replicas than its topic has partitions', () => {
    expect(problemsAfter((o) => (named(o, 'ScaledObject', 'timescale-writer').spec.maxReplicaCount = 7))).toEqual([
      'timescale-writer: max replicas 7 above the input partitions (6)',
    ]);
  });

  it('reports an env name the app does not read, an inline secret and a password in a URL', () => {
    const problems = problemsAfter((o) => {
      const c = deployment(o, 'feature-engine').spec.template.spec.containers[0];
      c.env.push({ name: 'FEATURE_ENGINE_TURBO', value: '1' }, { name: 'REDIS_URL', value: 'redis://md:hunter2@redis:6379' });
      deployment(o, 'feed-gateway').spec.template.spec.containers[0].env.push({ name: 'POLYGON_API_KEY', value: 'abc' });
    });
    expect(problems.sort()).toEqual([
      'Deployment/feed-gateway: POLYGON_API_KEY has an inline value: use a secretKeyRef or POLYGON_API_KEY_FILE',
      'StatefulSet/feature-engine: REDIS_URL holds a URL with a password: use REDIS_URL_FILE',
      'StatefulSet/feature-engine: env FEATURE_ENGINE_TURBO is not a key of the app\'s zod config',
    ]);
  });

  it('reports a Secret with data, a writable root filesystem and a grace period shorter than the drain', () => {
    const problems = problemsAfter((o) => {
      o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'md-alpaca' }, stringData: { key: 'x' } });
      const pod = deployment(o, 'quality-monitor').spec.template.spec;
      pod.containers[0].securityContext.readOnlyRootFilesystem = false;
      pod.terminationGracePeriodSeconds = 20;
    });
    expect(problems).toEqual([
      'Secret/md-alpaca: carries data; reference Secrets, never inline them',
      'StatefulSet/quality-monitor: readOnlyRootFilesystem is not set',
      'StatefulSet/quality-monitor: terminationGracePeriodSeconds 20 is not longer than SHUTDOWN_GRACE_SECONDS 20',
    ]);
  });

  it('reports a ScaledObject whose trigger watches another group, and an autoscaled source', () => {
    const problems = problemsAfter((o) => {
      named(o, 'ScaledObject', 'preprocessor').spec.triggers[0].metadata.consumerGroup = 'md-preprocessor-old';
      o.push({ ...structuredClone(named(o, 'ScaledObject', 'preprocessor')), metadata: { name: 'gw' }, spec: { scaleTargetRef: { name: 'feed-gateway' }, maxReplicaCount: 2, triggers: [] } });
    });
    expect(problems).toEqual([
      'feed-gateway: a source service must not be autoscaled',
      'ScaledObject/preprocessor: consumerGroup md-preprocessor-old is not one of the service\'s GROUP_IDs',
    ]);
  });

  it('reports a transactional stage whose TRANSACTIONAL_ID is not its pod name, one run as a Deployment, and a scaler aimed at the wrong kind', () => {
    const problems = problemsAfter((o) => {
      const prep = deployment(o, 'preprocessor').spec.template.spec.containers[0];
      prep.env = [...prep.env.filter((e: { name: string }) => e.name !== 'TRANSACTIONAL_ID'), { name: 'TRANSACTIONAL_ID', value: 'md-preprocessor-1' }];
      const monitor = deployment(o, 'quality-monitor');
      monitor.kind = 'Deployment';
      delete monitor.spec.serviceName;
      delete named(o, 'ScaledObject', 'feature-engine').spec.scaleTargetRef.kind;
    });
    expect(problems).toEqual([
      'StatefulSet/preprocessor: TRANSACTIONAL_ID must come from the pod name (valueFrom.fieldRef metadata.name)',
      'ScaledObject/feature-engine: scaleTargetRef kind Deployment (default) but feature-engine is a StatefulSet',
      'Deployment/quality-monitor: a transactional stage must be a StatefulSet (stable pod names for stable transactional ids)',
      'ScaledObject/quality-monitor: scaleTargetRef kind StatefulSet but quality-monitor is a Deployment',
    ]);
  });

  it('reports a service without API_TOKENS_FILE, and one whose tokens file is not in a mounted Secret', () => {
    const problems = problemsAfter((o) => {
      const writer = deployment(o, 'timescale-writer').spec.template.spec.containers[0];
      writer.env = writer.env.filter((e: { name: string }) => e.name !== 'API_TOKENS_FILE');
      const engine = deployment(o, 'feature-engine').spec.template.spec.containers[0];
      engine.env.find((e: { name: string }) => e.name === 'API_TOKENS_FILE').value = '/tmp/tokens.json';
    });
    expect(problems).toEqual([
      'StatefulSet/feature-engine: API_TOKENS_FILE /tmp/tokens.json is not in a mounted Secret volume',
      'Deployment/timescale-writer: API_TOKENS_FILE is not set: without it the service listens on 127.0.0.1 only and the probes fail',
    ]);
  });

  it('reports a schema violation (a replica count written as a string, a claim\'s access modes not a list)', () => {
    const so = structuredClone(named(render('prod'), 'ScaledObject', 'preprocessor'));
    so.spec.maxReplicaCount = '6';
    expect(schemaProblems(so)).toEqual(['ScaledObject/preprocessor: data/spec/maxReplicaCount must be integer']);
    const claim = structuredClone(named(render('prod'), 'PersistentVolumeClaim', 'md-backups'));
    claim.spec.accessModes = 'ReadWriteOnce';
    expect(schemaProblems(claim)).toEqual(['PersistentVolumeClaim/md-backups: data/spec/accessModes must be array']);
  });

  it('reports a lag trigger without credentials when the brokers need SASL (prod-managed)', () => {
    const objs = structuredClone(render('prod-managed'));
    delete named(objs, 'ScaledObject', 'quality-monitor').spec.triggers[1].authenticationRef;
    expect(manifestProblems(objs, rules('keda'))).toEqual([
      'ScaledObject/quality-monitor: the brokers need SASL (KAFKA_SASL_MECHANISM) but a trigger has no authenticationRef',
    ]);
  });

  it('reports a CronJob that may overlap, keeps no deadline or reads a variable the gateway does not', () => {
    const objs = base();
    const cron = named(objs, 'CronJob', 'feed-gateway-corporate-actions');
    cron.spec.concurrencyPolicy = 'Allow';
    delete cron.spec.startingDeadlineSeconds;
    cron.spec.jobTemplate.spec.template.spec.containers[0].env.push({ name: 'CRON_TURBO', value: '1' });
    expect(cronJobProblems(objs, cronJobRules())).toEqual([
      'CronJob/feed-gateway-corporate-actions: concurrencyPolicy must be Forbid (runs never overlap)',
      'CronJob/feed-gateway-corporate-actions: startingDeadlineSeconds is not set',
      'CronJob/feed-gateway-corporate-actions: env CRON_TURBO is not a variable feed-gateway reads',
    ]);
  });
});
