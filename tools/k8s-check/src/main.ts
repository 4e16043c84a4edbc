import { stringify } from 'yaml';
import { renderKustomization } from './kustomize-render';
import { schemaProblems } from './schema-validate';

// `node dist/tools/k8s-check/src/main.js deploy/k8s/overlays/prod [> rendered.yaml]`: renders an
// overlay with `kubectl kustomize` (kubectl >= 1.21 on PATH, see kustomize-render.ts) and
// validates every object against the Kubernetes and KEDA schemas.
// Exit 0 with the YAML on stdout; exit 1 with the problem(s) on stderr (schema problems one per
// line, a missing kubectl or kustomize's own error as one message); exit 2 on usage.
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
  // Render errors already start with "k8s-check:"; only the message, never a stack trace.
  const message = (err as Error).message;
  process.stderr.write(`${message.startsWith('k8s-check:') ? message : `k8s-check: ${message}`}\n`);
  process.exit(1);
}
