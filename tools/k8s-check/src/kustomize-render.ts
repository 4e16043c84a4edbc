import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

// Renders a kustomization with `kubectl kustomize`, the kustomize kubectl bundles, so the checks
// see exactly what `kubectl apply -k` would send: no second implementation of kustomize's merge
// rules to keep in step. deploy/k8s uses components
// (https://kubectl.docs.kubernetes.io/guides/config_management/components/), which the kustomize
// in kubectl 1.14-1.20 (v2.0.3) cannot render; kubectl 1.21 moved to kustomize v4.0.5 and it has
// been updated since (version table: https://github.com/kubernetes-sigs/kustomize#kubectl-integration).
// Without a usable kubectl the render fails with one message saying so: never a skip.

export type K8sObject = Record<string, any> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

export interface RenderOptions {
  /** The kubectl to run, a name looked up on PATH or a path. Tests inject a missing or fake one. */
  kubectl?: string;
  /** Environment of kubectl; its PATH is also where a bare `kubectl` is looked up. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Bound on one render; a hung kubectl fails the check instead of hanging it. */
  timeoutMs?: number;
}

/** kubectl is missing, or its kustomize is older than v4: the fix is on the machine, not in deploy/k8s. */
export class KubectlUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubectlUnavailableError';
    // The message is the whole story (what is missing, how to fix it); a stack into this file
    // would only bury it in jest's and the CLI's output.
    this.stack = `${this.name}: ${message}`;
  }
}

const FIX = 'install kubectl >= 1.21, which bundles kustomize v4+, or put it on PATH';
const unavailable = (why: string) => new KubectlUnavailableError(`k8s-check: \`kubectl kustomize\` is not available (${why}; ${FIX})`);

const RENDER_TIMEOUT_MS = 30_000;
const VERSION_TIMEOUT_MS = 10_000;
// The three overlays render to ~30 objects (~25 KiB); far above that means something is wrong.
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Every YAML document of `text` as a plain object (empty documents dropped). */
export function parseYamlDocuments(text: string, source: string): Record<string, any>[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
      return doc.toJS() as Record<string, any> | null;
    })
    .filter((o): o is Record<string, any> => o !== null && typeof o === 'object');
}

/** A YAML file's documents, unrendered (k8s.spec.ts scans the whole tree for Secrets with data). */
export function readYamlDocuments(file: string): Record<string, any>[] {
  return parseYamlDocuments(readFileSync(file, 'utf8'), file);
}

function run(kubectl: string, args: string[], options: RenderOptions, timeout: number): SpawnSyncReturns<string> {
  const result = spawnSync(kubectl, args, {
    encoding: 'utf8',
    env: options.env ?? process.env,
    timeout,
    maxBuffer: MAX_OUTPUT_BYTES,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const code = (result.error as NodeJS.ErrnoException | undefined)?.code;
  const what = `\`${kubectl} ${args.join(' ')}\``;
  if (code === 'ENOENT') throw unavailable(kubectl === 'kubectl' ? 'kubectl not found on PATH' : `${kubectl} not found`);
  if (code === 'EACCES') throw unavailable(`${kubectl} is not executable`);
  if (code === 'ETIMEDOUT') throw new Error(`k8s-check: ${what} did not finish within ${timeout} ms`);
  if (code === 'ENOBUFS') throw new Error(`k8s-check: ${what} printed more than ${MAX_OUTPUT_BYTES} bytes`);
  if (result.error) throw new Error(`k8s-check: ${what} could not run: ${result.error.message}`);
  return result;
}

const major = (version: string) => Number(/^v?(\d+)\./.exec(version)?.[1]);

/** Why this kubectl cannot render components, or undefined when it can. */
export function kustomizeTooOld(version: { clientVersion?: { major?: string; minor?: string; gitVersion?: string }; kustomizeVersion?: string }): string | undefined {
  const client = version.clientVersion ?? {};
  const kubectl = client.gitVersion ?? `v${client.major}.${client.minor}`;
  // `kustomizeVersion` is reported from kubectl 1.24 on; before that the kubectl minor decides.
  if (version.kustomizeVersion) {
    return major(version.kustomizeVersion) >= 4 ? undefined : `kubectl ${kubectl} bundles kustomize ${version.kustomizeVersion}, which cannot render components`;
  }
  // `minor` may carry a suffix ("32+" on vendor builds).
  if (Number(client.major) === 1 && parseInt(client.minor ?? '', 10) >= 21) return undefined;
  if (Number(client.major) > 1) return undefined;
  return `kubectl ${kubectl} bundles kustomize v2 or none, which cannot render components`;
}

// One version check per kubectl (and PATH) per process: k8s.spec.ts renders three overlays, and
// asking the same kubectl its version again would only cost time.
const checked = new Set<string>();

function checkKubectl(kubectl: string, options: RenderOptions): void {
  const key = `${kubectl}\0${(options.env ?? process.env).PATH}`;
  if (checked.has(key)) return;
  // `version --client -o json` works on every kubectl that has `kustomize` and never contacts a cluster.
  const result = run(kubectl, ['version', '--client', '-o', 'json'], options, VERSION_TIMEOUT_MS);
  if (result.status !== 0) throw unavailable(`\`${kubectl} version --client\` failed: ${result.stderr.trim() || `exit ${result.status}`}`);
  let version: Parameters<typeof kustomizeTooOld>[0];
  try {
    version = JSON.parse(result.stdout);
  } catch {
    throw unavailable(`\`${kubectl} version --client -o json\` printed no version: ${result.stdout.trim().slice(0, 200)}`);
  }
  const tooOld = kustomizeTooOld(version);
  if (tooOld) throw unavailable(tooOld);
  checked.add(key);
}

/**
 * Renders a kustomization folder (an overlay) with `kubectl kustomize` and returns its objects.
 * Throws KubectlUnavailableError when kubectl is missing or too old, and an Error carrying
 * kubectl's stderr when kustomize refuses the kustomization.
 */
export function renderKustomization(dir: string, options: RenderOptions = {}): K8sObject[] {
  const kubectl = options.kubectl ?? 'kubectl';
  checkKubectl(kubectl, options);
  const abs = resolve(dir);
  const result = run(kubectl, ['kustomize', abs], options, options.timeoutMs ?? RENDER_TIMEOUT_MS);
  if (result.status !== 0) {
    const exit = result.status ?? result.signal;
    throw new Error(`k8s-check: \`${kubectl} kustomize ${abs}\` failed (exit ${exit}):\n${result.stderr.trim()}`);
  }
  return parseYamlDocuments(result.stdout, `${kubectl} kustomize ${abs}`) as K8sObject[];
}
