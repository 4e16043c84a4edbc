import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization, strategicMerge } from './kustomize-render';

describe('strategicMerge', () => {
  it('merges containers by name, keeps what the patch does not mention and replaces plain lists', () => {
    const base = { containers: [{ name: 'a', image: 'x', args: ['1', '2'] }, { name: 'b', image: 'y' }] };
    const patch = { containers: [{ name: 'a', args: ['3'] }, { name: 'c', image: 'z' }] };
    expect(strategicMerge(base, patch)).toEqual({
      containers: [{ name: 'a', image: 'x', args: ['3'] }, { name: 'b', image: 'y' }, { name: 'c', image: 'z' }],
    });
    expect(base.containers[0].args).toEqual(['1', '2']);
  });

  it('deletes a key patched to null', () => {
    expect(strategicMerge({ spec: { replicas: 2, paused: true } }, { spec: { paused: null } })).toEqual({ spec: { replicas: 2 } });
  });
});

describe('renderKustomization', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-render-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);

  it('applies a targeted patch to every object of the kind, images and the namespace', () => {
    write('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {A: "1"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\ndata: {A: "2"}\n');
    write('d.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [{name: c, image: app}]}}}\n');
    write('p.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: any}\ndata: {B: "x"}\n');
    write('kustomization.yaml', 'namespace: ns\nresources: [cm.yaml, d.yaml]\npatches: [{path: p.yaml, target: {kind: ConfigMap}}]\nimages: [{name: app, newName: reg/app, newTag: "2"}]\n');
    const out = renderKustomization(dir);
    expect(out.map((o) => [o.metadata.name, o.metadata.namespace, o.data])).toEqual([
      ['one', 'ns', { A: '1', B: 'x' }],
      ['two', 'ns', { A: '2', B: 'x' }],
      ['d', 'ns', undefined],
    ]);
    expect(out[2].spec.template.spec.containers[0].image).toBe('reg/app:2');
  });

  it('refuses a field it does not implement instead of ignoring it', () => {
    write('kustomization.yaml', 'resources: []\ncommonLabels: {a: b}\n');
    expect(() => renderKustomization(dir)).toThrow(/commonLabels not supported/);
  });

  it('refuses a patch that matches nothing', () => {
    write('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n');
    write('p.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {B: "x"}\n');
    write('kustomization.yaml', 'resources: [cm.yaml]\npatches: [{path: p.yaml}]\n');
    expect(() => renderKustomization(dir)).toThrow(/ConfigMap\/other matches no object/);
  });
});
