import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubectlUnavailableError, kustomizeTooOld, renderKustomization } from './kustomize-render';

// The render goes through the real `kubectl kustomize` (k8s.spec.ts renders every overlay); these
// cases pin what happens around it: a missing or too old kubectl, a refused kustomization, a hang.

const FIX = 'install kubectl >= 1.21, which bundles kustomize v4+, or put it on PATH';
const V1_32 = { clientVersion: { major: '1', minor: '32+', gitVersion: 'v1.32.4' }, kustomizeVersion: 'v5.5.0' };
const V1_20 = { clientVersion: { major: '1', minor: '20', gitVersion: 'v1.20.15' } };

/** The error `fn` throws (the test fails if it throws nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('renderKustomization', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-render-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  /** A stand-in kubectl: prints `version` for `version --client -o json`, runs `kustomize` for `kustomize`. */
  const fakeKubectl = (version: object, kustomize: string) => {
    const path = join(dir, 'fake-kubectl');
    writeFileSync(path, `#!/bin/sh\ncase "$1" in\n  version) echo '${JSON.stringify(version)}' ;;\n  kustomize) ${kustomize} ;;\nesac\n`, { mode: 0o755 });
    return path;
  };

  it('says kubectl is missing, and how to fix it, when PATH has no kubectl', () => {
    const err = thrown(() => renderKustomization(dir, { env: { PATH: dir } }));
    expect(err).toBeInstanceOf(KubectlUnavailableError);
    expect(err.message).toBe(`k8s-check: \`kubectl kustomize\` is not available (kubectl not found on PATH; ${FIX})`);
  });

  it('names an injected kubectl that does not exist', () => {
    const missing = join(dir, 'no-such-kubectl');
    expect(thrown(() => renderKustomization(dir, { kubectl: missing })).message).toBe(
      `k8s-check: \`kubectl kustomize\` is not available (${missing} not found; ${FIX})`,
    );
  });

  it('refuses a kubectl whose kustomize cannot render components, before rendering', () => {
    const kubectl = fakeKubectl(V1_20, 'echo "apiVersion: v1"');
    const err = thrown(() => renderKustomization(dir, { kubectl }));
    expect(err).toBeInstanceOf(KubectlUnavailableError);
    expect(err.message).toBe(
      `k8s-check: \`kubectl kustomize\` is not available (kubectl v1.20.15 bundles kustomize v2 or none, which cannot render components; ${FIX})`,
    );
  });

  it('surfaces kubectl\'s stderr when kustomize refuses the kustomization', () => {
    write('kustomization.yaml', 'resources: [missing.yaml]\n');
    const err = thrown(() => renderKustomization(dir));
    expect(err).not.toBeInstanceOf(KubectlUnavailableError);
    expect(err.message).toContain(`k8s-check: \`kubectl kustomize ${dir}\` failed (exit 1):\n`);
    expect(err.message).toMatch(/accumulating resources.*missing\.yaml.*no such file or directory/);
  });

  it('stops a render that hangs at the timeout', () => {
    // exec: the shell becomes sleep, so the timeout's SIGTERM reaches the process holding the pipes.
    const kubectl = fakeKubectl(V1_32, 'exec sleep 10');
    const started = Date.now();
    expect(thrown(() => renderKustomization(dir, { kubectl, timeoutMs: 300 })).message).toBe(
      `k8s-check: \`${kubectl} kustomize ${dir}\` did not finish within 300 ms`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('returns every document kubectl prints, quoted numbers still strings', () => {
    write('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {A: "1"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\ndata: {A: "on"}\n');
    write('kustomization.yaml', 'namespace: ns\nresources: [cm.yaml]\n');
    expect(renderKustomization(dir).map((o) => [o.metadata.name, o.metadata.namespace, o.data])).toEqual([
      ['one', 'ns', { A: '1' }],
      ['two', 'ns', { A: 'on' }],
    ]);
  });
});

describe('kustomizeTooOld', () => {
  it('accepts kubectl 1.21+ (kustomize v4+) and refuses 1.14-1.20 (kustomize v2.0.3)', () => {
    expect(kustomizeTooOld(V1_32)).toBeUndefined();
    expect(kustomizeTooOld({ clientVersion: { major: '1', minor: '21', gitVersion: 'v1.21.0' } })).toBeUndefined();
    expect(kustomizeTooOld(V1_20)).toMatch(/v1\.20\.15 bundles kustomize v2/);
    expect(kustomizeTooOld({ clientVersion: { major: '1', minor: '32' }, kustomizeVersion: 'v3.8.7' })).toMatch(/kustomize v3\.8\.7, which cannot/);
  });
});
