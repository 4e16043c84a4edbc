import type { K8sObject } from './kustomize-render';

// The rules issue #7 sets for deploy/k8s (and #13: stable transactional ids), as one pure function
// over rendered objects: every broken rule is one readable line, so a test can assert "no problems"
// and show all of them.

export interface ServiceRule {
  port: number;
  /** Keys of the app's zod config (apps/<service>/src/config.ts): the only env names it reads. */
  configKeys: readonly string[];
  /** Input topics of a consuming stage (autoscaled); undefined: a source, one replica. */
  inputTopics?: readonly string[];
}

export interface ManifestRules {
  services: Record<string, ServiceRule>;
  /** Topic name -> partitions (libs/contracts TOPIC_TABLE). */
  partitions: Record<string, number>;
  /** Which autoscaler the overlay must use for every consuming stage. */
  autoscaler: 'keda' | 'hpa';
}

type Obj = K8sObject;
const find = (objs: Obj[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet'];
/** A service's pods: a Deployment, or a StatefulSet for the transactional stages. */
const findWorkload = (objs: Obj[], name: string) => objs.find((o) => WORKLOAD_KINDS.includes(o.kind) && o.metadata.name === name);
const subsetOf = (sel: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
// A value that looks like a credential must come from a Secret, never from a ConfigMap or literal.
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|API_KEY|KEY_ID)$/;
const URL_WITH_PASSWORD = /:\/\/[^/@:\s]+:[^/@\s]+@/;

/** The container's environment as name -> literal value (undefined when it comes from a Secret). */
export function resolveEnv(objs: Obj[], container: Record<string, any>, id = container.name, problems: string[] = []): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const from of container.envFrom ?? []) {
    if (from.secretRef) continue; // keys unknown until run time; listed explicitly instead
    const cm = find(objs, 'ConfigMap', from.configMapRef?.name);
    if (!cm) {
      problems.push(`${id}: envFrom ConfigMap ${from.configMapRef?.name} is not in the render`);
      continue;
    }
    for (const [k, v] of Object.entries<string>(cm.data ?? {})) env.set(k, v);
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom?.configMapKeyRef) env.set(e.name, find(objs, 'ConfigMap', e.valueFrom.configMapKeyRef.name)?.data?.[e.valueFrom.configMapKeyRef.key]);
    else if (e.valueFrom) env.set(e.name, undefined);
    else env.set(e.name, e.value);
  }
  return env;
}

function checkEnv(env: Map<string, string | undefined>, rule: ServiceRule, id: string, problems: string[]): void {
  const keys = new Set(rule.configKeys);
  for (const [name, value] of env) {
    const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
    if (!keys.has(name) && !keys.has(base)) problems.push(`${id}: env ${name} is not a key of the app's zod config`);
    if (value !== undefined && SECRET_NAME.test(name)) problems.push(`${id}: ${name} has an inline value: use a secretKeyRef or ${name}_FILE`);
    if (value !== undefined && URL_WITH_PASSWORD.test(value)) problems.push(`${id}: ${name} holds a URL with a password: use ${name}_FILE`);
  }
}

function checkPodSpec(objs: Obj[], dep: Obj, name: string, rule: ServiceRule, problems: string[]): Map<string, string | undefined> {
  const id = `${dep.kind}/${name}`;
  const pod = dep.spec?.template?.spec ?? {};
  const containers: Record<string, any>[] = pod.containers ?? [];
  const c = containers.find((x) => x.name === name);
  if (!c) {
    problems.push(`${id}: no container named ${name}`);
    return new Map();
  }
  for (const kind of ['requests', 'limits']) {
    for (const res of ['cpu', 'memory']) if (!c.resources?.[kind]?.[res]) problems.push(`${id}: resources.${kind}.${res} missing`);
  }
  const portOf = (p: unknown) => (typeof p === 'number' ? p : c.ports?.find((x: any) => x.name === p)?.containerPort);
  if (!c.ports?.some((p: any) => p.containerPort === rule.port)) problems.push(`${id}: container does not expose SERVICE_PORTS ${rule.port}`);
  for (const [probe, path] of [['livenessProbe', '/health'], ['readinessProbe', '/ready']] as const) {
    const get = c[probe]?.httpGet;
    if (get?.path !== path || portOf(get?.port) !== rule.port) problems.push(`${id}: ${probe} must GET ${path} on port ${rule.port}`);
  }
  if ((pod.securityContext?.runAsNonRoot ?? c.securityContext?.runAsNonRoot) !== true) problems.push(`${id}: runAsNonRoot is not set`);
  problems.push(...containerHardening(pod, c, id));
  const env = resolveEnv(objs, c, id, problems);
  checkEnv(env, rule, id, problems);
  if (rule.configKeys.includes('TRANSACTIONAL_ID')) checkTransactionalId(dep, c, id, problems);
  checkApiTokens(pod, c, env, id, problems);
  const grace = Number(env.get('SHUTDOWN_GRACE_SECONDS') ?? NaN);
  if (!(pod.terminationGracePeriodSeconds > grace)) {
    problems.push(`${id}: terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} is not longer than SHUTDOWN_GRACE_SECONDS ${env.get('SHUTDOWN_GRACE_SECONDS')}`);
  }
  return env;
}

/**
 * A pod listens beyond its loopback (for the probes and the Service) only with API_TOKENS_FILE
 * (issue 18): the file must sit in a mounted Secret volume, so the tokens never reach the spec.
 */
function checkApiTokens(pod: any, c: any, env: Map<string, string | undefined>, id: string, problems: string[]): void {
  const path = env.get('API_TOKENS_FILE');
  if (!path) return void problems.push(`${id}: API_TOKENS_FILE is not set: without it the service listens on 127.0.0.1 only and the probes fail`);
  const mount = (c.volumeMounts ?? []).find((m: any) => path.startsWith(`${String(m.mountPath).replace(/\/$/, '')}/`));
  const volume = mount && (pod.volumes ?? []).find((v: any) => v.name === mount.name);
  if (!volume?.secret) problems.push(`${id}: API_TOKENS_FILE ${path} is not in a mounted Secret volume`);
}

/**
 * A consume-transform-produce stage (its config has TRANSACTIONAL_ID) fences a predecessor only
 * if its replacement reuses the predecessor's transactional id (KIP-98; kafkajs has no KIP-447
 * group-metadata fencing). A StatefulSet gives each pod a stable name; the id must be that name.
 */
function checkTransactionalId(workload: Obj, c: Record<string, any>, id: string, problems: string[]): void {
  if (workload.kind !== 'StatefulSet') problems.push(`${id}: a transactional stage must be a StatefulSet (stable pod names for stable transactional ids)`);
  const txn = (c.env ?? []).find((e: any) => e.name === 'TRANSACTIONAL_ID');
  if (txn?.valueFrom?.fieldRef?.fieldPath !== 'metadata.name') problems.push(`${id}: TRANSACTIONAL_ID must come from the pod name (valueFrom.fieldRef metadata.name)`);
}

function checkAutoscaling(objs: Obj[], name: string, rule: ServiceRule, env: Map<string, string | undefined>, rules: ManifestRules, problems: string[]): void {
  const so = objs.find((o) => o.kind === 'ScaledObject' && o.spec?.scaleTargetRef?.name === name);
  const hpa = objs.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec?.scaleTargetRef?.name === name);
  if (!rule.inputTopics) {
    if (so || hpa) problems.push(`${name}: a source service must not be autoscaled`);
    const workload = findWorkload(objs, name);
    if (workload?.spec?.replicas !== 1) problems.push(`${workload?.kind ?? 'Deployment'}/${name}: a source service runs exactly 1 replica`);
    return;
  }
  if (so && hpa) problems.push(`${name}: both a ScaledObject and an HPA scale it (KEDA owns its own HPA)`);
  const wanted = rules.autoscaler === 'keda' ? so : hpa;
  if (!wanted) {
    problems.push(`${name}: no ${rules.autoscaler === 'keda' ? 'ScaledObject' : 'HorizontalPodAutoscaler'}`);
    return;
  }
  // KEDA's scaleTargetRef.kind defaults to Deployment; a mismatch scales nothing.
  const target = (so ?? hpa)!.spec?.scaleTargetRef;
  const kind = findWorkload(objs, name)?.kind;
  if ((target?.kind ?? 'Deployment') !== kind) problems.push(`${(so ?? hpa)!.kind}/${(so ?? hpa)!.metadata.name}: scaleTargetRef kind ${target?.kind ?? 'Deployment (default)'} but ${name} is a ${kind}`);
  const triggerTopics: string[] = (so?.spec?.triggers ?? []).map((t: any) => t.metadata?.topic);
  const topics = [...rule.inputTopics, ...triggerTopics];
  const unknown = topics.filter((t) => !(t in rules.partitions));
  if (unknown.length) problems.push(`${name}: topic(s) ${unknown.join(', ')} not in TOPIC_TABLE`);
  const cap = Math.min(...topics.filter((t) => t in rules.partitions).map((t) => rules.partitions[t]));
  const [min, max] = so ? [so.spec.minReplicaCount ?? 0, so.spec.maxReplicaCount] : [hpa!.spec.minReplicas ?? 1, hpa!.spec.maxReplicas];
  if (!(max <= cap)) problems.push(`${name}: max replicas ${max} above the input partitions (${cap})`);
  if (!(min <= max)) problems.push(`${name}: min replicas ${min} above max ${max}`);
  if (!so) return;
  const groups = new Set([...env].filter(([k]) => k.endsWith('GROUP_ID')).map(([, v]) => v));
  if (!so.spec.triggers?.length) problems.push(`ScaledObject/${so.metadata.name}: no triggers`);
  for (const t of so.spec.triggers ?? []) {
    if (t.type !== 'kafka') problems.push(`ScaledObject/${so.metadata.name}: trigger ${t.type} is not a kafka lag trigger`);
    if (!groups.has(t.metadata?.consumerGroup)) problems.push(`ScaledObject/${so.metadata.name}: consumerGroup ${t.metadata?.consumerGroup} is not one of the service's GROUP_IDs`);
    if (t.metadata?.bootstrapServers !== env.get('KAFKA_BROKERS')) problems.push(`ScaledObject/${so.metadata.name}: bootstrapServers differ from KAFKA_BROKERS`);
    // Brokers that want a login (KAFKA_SASL_MECHANISM) refuse KEDA's lag reads without one: no scaling.
    if (env.get('KAFKA_SASL_MECHANISM') && !t.authenticationRef) problems.push(`ScaledObject/${so.metadata.name}: the brokers need SASL (KAFKA_SASL_MECHANISM) but a trigger has no authenticationRef`);
  }
}

/** Every broken rule in one overlay's rendered objects; empty when the overlay is sound. */
export function manifestProblems(objs: Obj[], rules: ManifestRules): string[] {
  const problems: string[] = [];
  for (const o of objs) {
    if (o.kind === 'Secret' && (o.data || o.stringData)) problems.push(`Secret/${o.metadata.name}: carries data; reference Secrets, never inline them`);
  }
  const workloads = objs.filter((o) => WORKLOAD_KINDS.includes(o.kind));
  for (const extra of workloads.filter((w) => !(w.metadata.name in rules.services))) problems.push(`${extra.kind}/${extra.metadata.name}: not one of the services`);
  for (const [name, rule] of Object.entries(rules.services)) {
    const dep = findWorkload(objs, name);
    if (!dep) {
      problems.push(`Deployment/${name}: missing`);
      continue;
    }
    const labels = dep.spec?.template?.metadata?.labels;
    if (!subsetOf(dep.spec?.selector?.matchLabels, labels)) problems.push(`${dep.kind}/${name}: selector does not match its pod labels`);
    if (dep.kind === 'StatefulSet' && !find(objs, 'Service', dep.spec?.serviceName)) problems.push(`StatefulSet/${name}: serviceName ${dep.spec?.serviceName} is not a Service in the render`);
    const svc = find(objs, 'Service', name);
    if (!svc) problems.push(`Service/${name}: missing`);
    else {
      if (!subsetOf(svc.spec?.selector, labels)) problems.push(`Service/${name}: selector does not match the pods`);
      if (!svc.spec?.ports?.some((p: any) => p.port === rule.port)) problems.push(`Service/${name}: does not serve port ${rule.port}`);
    }
    const pdb = objs.find((o) => o.kind === 'PodDisruptionBudget' && subsetOf(o.spec?.selector?.matchLabels, labels));
    if (!pdb) problems.push(`PodDisruptionBudget for ${name}: missing`);
    const env = checkPodSpec(objs, dep, name, rule, problems);
    checkAutoscaling(objs, name, rule, env, rules, problems);
  }
  return problems;
}

/**
 * A container's file-system hardening, for services and jobs alike: read-only root, no privilege
 * escalation, writable mounts only on scratch space (emptyDir) or on storage meant to be written
 * and kept (a PersistentVolumeClaim, e.g. the backups); never a hostPath, Secret or ConfigMap.
 */
export function containerHardening(pod: any, c: any, id: string): string[] {
  const problems: string[] = [];
  if (c.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${id}: readOnlyRootFilesystem is not set`);
  if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${id}: allowPrivilegeEscalation is not false`);
  for (const m of c.volumeMounts ?? []) {
    const vol = (pod.volumes ?? []).find((v: any) => v.name === m.name);
    if (!vol) problems.push(`${id}: volumeMount ${m.name} has no volume`);
    else if (!m.readOnly && !vol.emptyDir && !vol.persistentVolumeClaim) problems.push(`${id}: writable mount ${m.mountPath} is not an emptyDir or a PersistentVolumeClaim`);
  }
  return problems;
}
