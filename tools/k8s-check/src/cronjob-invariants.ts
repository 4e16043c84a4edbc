import type { K8sObject } from './kustomize-render';
import { containerHardening, resolveEnv } from './manifest-invariants';

// The rules for scheduled jobs (issue 16): a CronJob runs a service's code with the service's
// config, never two runs at once, and with bounded history and resources. Field semantics:
// https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ (concurrencyPolicy,
// startingDeadlineSeconds, successful/failedJobsHistoryLimit).

export interface CronJobRules {
  /** Service name -> keys of its zod config; a CronJob's command `node dist/apps/<service>/...` picks the service. */
  configKeys: Record<string, readonly string[]>;
}

const ENTRY = /^dist\/apps\/([a-z-]+)\/src\/.+\.js$/;
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
    const service = c.command?.[0] === 'node' ? ENTRY.exec(c.command[1] ?? '')?.[1] : undefined;
    const keys = service ? rules.configKeys[service] : undefined;
    if (!keys) {
      problems.push(`${id}: command must be node dist/apps/<service>/src/....js of a known service (got ${JSON.stringify(c.command)})`);
      continue;
    }
    for (const name of resolveEnv(objs, c, id, problems).keys()) {
      const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
      if (!keys.includes(name) && !keys.includes(base)) problems.push(`${id}: env ${name} is not a key of ${service}'s zod config`);
    }
  }
  return problems;
}
