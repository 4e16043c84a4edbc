import type { K8sObject } from './kustomize-render';
import { containerHardening, resolveEnv } from './manifest-invariants';

// The rules for scheduled jobs (issue 16): a CronJob runs a service's or a tool's code with the
// variables it reads, never two runs at once, and with bounded history and resources. Field
// semantics: https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
// (concurrencyPolicy, startingDeadlineSeconds, successful/failedJobsHistoryLimit).

export interface CronJobRules {
  /**
   * Program -> the env names it reads. The program is `<name>` of the command's
   * `node dist/apps/<name>/src/....js` (a service: its zod config's keys) or
   * `node dist/tools/<name>/src/....js` (a tool: mdctl's variables, service-configs.ts).
   */
  configKeys: Record<string, readonly string[]>;
  /** Program -> env names it takes only on its command line, as `$(NAME)` (mdctl's `--group GROUP_ID=$(GROUP_ID)`). */
  argumentKeys?: Record<string, readonly string[]>;
  /** The services' shared settings (libs/config commonConfig): a job may take their ConfigMap whole with envFrom, keys its program ignores included. */
  sharedKeys?: readonly string[];
}

const ENTRY = /^dist\/(?:apps|tools)\/([a-z-]+)\/src\/.+\.js$/;
// Kubernetes expands $(NAME) in command and args from the container's env; $$(NAME) is an escape,
// and a $(NAME) it cannot resolve is passed as written.
// https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#use-environment-variables-to-define-arguments
const EXPANSION = /(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g;
/** A history limit above this keeps finished pods (and their logs) piling up in the namespace. */
const MAX_HISTORY = 10;

/** Every broken rule of the render's CronJobs; empty when sound. */
export function cronJobProblems(objs: K8sObject[], rules: CronJobRules): string[] {
  const problems: string[] = [];
  for (const cron of objs.filter((o) => o.kind === 'CronJob')) {
    const id = `CronJob/${cron.metadata.name}`;
    const spec = cron.spec ?? {};
    // Forbid: a run still going when the next is due makes that one skipped, as the in-process scheduler does.
    if (spec.concurrencyPolicy !== 'Forbid') problems.push(`${id}: concurrencyPolicy must be Forbid (runs never overlap)`);
    // Without it, a controller down past 100 missed schedules stops scheduling the job at all.
    if (!(spec.startingDeadlineSeconds > 0)) problems.push(`${id}: startingDeadlineSeconds is not set`);
    for (const limit of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
      if (!(Number.isInteger(spec[limit]) && spec[limit] >= 1 && spec[limit] <= MAX_HISTORY)) problems.push(`${id}: ${limit} must be 1 to ${MAX_HISTORY}`);
    }
    const job = spec.jobTemplate?.spec ?? {};
    if (!(job.activeDeadlineSeconds > 0)) problems.push(`${id}: activeDeadlineSeconds is not set (a hung run would block every later one under Forbid)`);
    const pod = job.template?.spec ?? {};
    if (!['Never', 'OnFailure'].includes(pod.restartPolicy)) problems.push(`${id}: restartPolicy must be Never or OnFailure`);
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${id}: runAsNonRoot is not set`);
    const c = pod.containers?.[0];
    if (!c) {
      problems.push(`${id}: no container`);
      continue;
    }
    for (const kind of ['requests', 'limits']) {
      for (const res of ['cpu', 'memory']) if (!c.resources?.[kind]?.[res]) problems.push(`${id}: resources.${kind}.${res} missing`);
    }
    problems.push(...containerHardening(pod, c, id));
    const program = c.command?.[0] === 'node' ? ENTRY.exec(c.command[1] ?? '')?.[1] : undefined;
    if (!program || !rules.configKeys[program]) {
      problems.push(`${id}: command must be node dist/<apps|tools>/<name>/src/....js of a known program (got ${JSON.stringify(c.command)})`);
      continue;
    }
    problems.push(...envProblems(objs, c, id, program, rules));
  }
  return problems;
}

/** Every env name must reach the program: read by it, expanded into its command, or part of the shared ConfigMap. */
function envProblems(objs: K8sObject[], c: Record<string, any>, id: string, program: string, rules: CronJobRules): string[] {
  const problems: string[] = [];
  const env = resolveEnv(objs, c, id, problems);
  const explicit = new Set((c.env ?? []).map((e: { name: string }) => e.name));
  const argv = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
  const expanded = new Set(Array.from(argv.matchAll(EXPANSION), (m) => m[1]));
  const reads = rules.configKeys[program];
  for (const name of env.keys()) {
    const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
    if (reads.includes(name) || reads.includes(base)) continue;
    if (rules.argumentKeys?.[program]?.includes(name)) {
      if (!expanded.has(name)) problems.push(`${id}: env ${name} reaches ${program} only as $(${name}) in its command, which does not use it`);
    } else if (explicit.has(name) || !rules.sharedKeys?.includes(name)) {
      problems.push(`${id}: env ${name} is not a variable ${program} reads`);
    }
  }
  for (const name of expanded) if (!env.has(name)) problems.push(`${id}: the command uses $(${name}), which is not in its env (Kubernetes passes it as written)`);
  return problems;
}
