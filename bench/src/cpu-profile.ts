import { readFileSync } from 'node:fs';

// Where a stage's CPU goes, from the V8 CPU profile it wrote on exit (node --cpu-prof; the test
// kit's MD_CPU_PROFILE_DIR). Self time is summed per part: a package of node_modules, a library
// or app of this repository, or a V8 bucket (garbage collector, program). Idle samples are left
// out. Format: https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled busy time, seconds (idle excluded). */
  busySeconds: number;
  /** Largest parts first: [part, share of busy time]. */
  parts: Array<[string, number]>;
}

/** The part a frame belongs to: `kafkajs`, `libs/quality`, `apps/preprocessor`, `(garbage collector)`, `node:internal`. */
export function partOf(frame: ProfileNode['callFrame']): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1];
  const own = /\/dist\/((?:libs|apps|tools|bench)\/[^/]+)/.exec(frame.url);
  if (own) return own[1];
  if (frame.url.startsWith('node:')) return 'node (runtime)';
  return frame.url ? 'other' : frame.functionName || '(anonymous)';
}

export function summarizeProfile(file: string, top = 4): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parts = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    const part = partOf(frame);
    parts.set(part, (parts.get(part) ?? 0) + dt);
  });
  return {
    busySeconds: busy / 1e6,
    parts: [...parts].sort((a, b) => b[1] - a[1]).slice(0, top).map(([part, t]) => [part, busy ? t / busy : 0]),
  };
}
