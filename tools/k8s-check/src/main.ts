import { stringify } from 'yaml';
import { renderKustomization } from './kustomize-render';
import { schemaProblems } from './schema-validate';

// `node dist/tools/k8s-check/src/main.js deploy/k8s/overlays/prod [> rendered.yaml]`: renders an
// overlay without kubectl or kustomize (the subset kustomize-render.ts supports) and validates it.
// Exit 0 with the YAML on stdout; exit 1 with one line per schema problem on stderr; exit 2 on usage.
const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node dist/tools/k8s-check/src/main.js <kustomization folder>\n');
  process.exit(2);
}
try {
  const objects = renderKustomization(dir);
  const problems = objects.flatMap(schemaProblems);
  if (problems.length) throw new Error(problems.join('\n'));
  process.stdout.write(objects.map((o) => stringify(o)).join('---\n'));
} catch (err) {
  process.stderr.write(`k8s-check: ${(err as Error).message}\n`);
  process.exit(1);
}
