import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

// A tiny Kustomize renderer for the subset deploy/k8s uses, so the manifests can be tested on a
// machine without the kustomize binary (Debian ships only kubectl 1.20, whose kustomize v2 lacks
// components). Supported, with kustomize's semantics (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/):
//   resources   files (multi-document YAML) or folders holding a kustomization.yaml
//   components  folders holding a `kind: Component` kustomization, applied after resources
//   patches     strategic-merge patches from `path`, matched by the patch's kind/name or by `target`
//               (kind, name); maps merge, lists of objects that all carry `name` merge by name
//               (containers, env, volumes), other lists replace, null deletes a key
//   images      name -> newName / newTag on containers
//   namespace   set on every object
// Anything else in a kustomization (generators, JSON 6902 patches, labels, replicas...) is refused
// rather than ignored, so an unsupported field can never render differently from kustomize.
// Checked against `kubectl kustomize` (kustomize v5.5.0): same objects, same values.

export type K8sObject = Record<string, any> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

interface PatchRef {
  path: string;
  target?: { kind?: string; name?: string };
}
interface ImageRef {
  name: string;
  newName?: string;
  newTag?: string;
}
interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  components?: string[];
  patches?: PatchRef[];
  images?: ImageRef[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'components', 'patches', 'images']);
/** Bound on nested kustomizations: a cycle (a -> b -> a) fails instead of recursing forever. */
const MAX_DEPTH = 16;

export function readYamlDocuments(file: string): Record<string, any>[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as Record<string, any> | null;
    })
    .filter((o): o is Record<string, any> => o !== null && typeof o === 'object');
}

function readKustomization(dir: string): Kustomization {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const [k] = readYamlDocuments(file) as Kustomization[];
  const unknown = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unknown.length) throw new Error(`${file}: field(s) ${unknown.join(', ')} not supported by this renderer (see kustomize-render.ts)`);
  return k;
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const mergesByName = (list: unknown[]): boolean => list.length > 0 && list.every((i) => isObject(i) && typeof i.name === 'string');

/** Strategic merge of `patch` into `base` (both left untouched; a new value is returned). */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) {
    if (!Array.isArray(base) || !mergesByName(patch) || !mergesByName(base)) return structuredClone(patch);
    const out = base.map((item) => structuredClone(item));
    for (const p of patch as Record<string, any>[]) {
      const at = out.findIndex((item) => item.name === p.name);
      if (at >= 0) out[at] = strategicMerge(out[at], p);
      else out.push(structuredClone(p));
    }
    return out;
  }
  if (!isObject(patch) || !isObject(base)) return structuredClone(patch);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = key in out ? strategicMerge(out[key], value) : structuredClone(value);
  }
  return out;
}

function matches(obj: K8sObject, patch: Record<string, any>, target?: PatchRef['target']): boolean {
  if (target) {
    return (!target.kind || target.kind === obj.kind) && (!target.name || new RegExp(`^${target.name}$`).test(obj.metadata.name));
  }
  return patch.kind === obj.kind && patch.metadata?.name === obj.metadata.name;
}

function applyPatches(objects: K8sObject[], dir: string, patches: PatchRef[] = []): K8sObject[] {
  let out = objects;
  for (const ref of patches) {
    for (const patch of readYamlDocuments(join(dir, ref.path))) {
      let hit = false;
      out = out.map((obj) => {
        if (!matches(obj, patch, ref.target)) return obj;
        hit = true;
        // With a target the patch's own name is a placeholder: the object keeps its identity.
        const body = { ...patch, metadata: { ...patch.metadata, name: obj.metadata.name } };
        return strategicMerge(obj, body) as K8sObject;
      });
      if (!hit) throw new Error(`${join(dir, ref.path)}: patch ${patch.kind}/${patch.metadata?.name} matches no object`);
    }
  }
  return out;
}

function applyImages(objects: K8sObject[], images: ImageRef[] = []): K8sObject[] {
  if (!images.length) return objects;
  const rewrite = (image: string): string => {
    const [name, tag] = image.split(':');
    const rule = images.find((i) => i.name === name);
    if (!rule) return image;
    const newTag = rule.newTag ?? tag;
    return `${rule.newName ?? name}${newTag ? `:${newTag}` : ''}`;
  };
  return objects.map((obj) => {
    const containers: Record<string, any>[] | undefined = obj.spec?.template?.spec?.containers;
    if (!containers) return obj;
    const copy = structuredClone(obj);
    for (const c of copy.spec.template.spec.containers) c.image = rewrite(c.image);
    return copy;
  });
}

function renderDir(dir: string, depth: number, inherited: K8sObject[] = []): K8sObject[] {
  if (depth > MAX_DEPTH) throw new Error(`${dir}: kustomizations nested deeper than ${MAX_DEPTH}`);
  const k = readKustomization(dir);
  let objects = [...inherited];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    const loaded = statSync(path).isDirectory() ? renderDir(path, depth + 1) : (readYamlDocuments(path) as K8sObject[]);
    objects.push(...loaded);
  }
  for (const entry of k.components ?? []) {
    const path = resolve(dir, entry);
    if (readKustomization(path).kind !== 'Component') throw new Error(`${path}: listed in components but is not a kind: Component`);
    objects = renderDir(path, depth + 1, objects);
  }
  objects = applyPatches(objects, dir, k.patches);
  objects = applyImages(objects, k.images);
  if (k.namespace) objects = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: k.namespace } }));
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (seen.has(id)) throw new Error(`${dir}: ${id} is declared twice`);
    seen.add(id);
  }
  return objects;
}

/** Renders a kustomization folder (an overlay) to its list of objects. */
export function renderKustomization(dir: string): K8sObject[] {
  return renderDir(resolve(dir), 0);
}
