import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beginSecretScan } from './secret-scan';

// Integration tests run on the real stack: bring it up (idempotent, cached downloads) before
// any of them starts. Failing here fails the run with the stack's own message.
export default function globalSetup(): void {
  const root = join(__dirname, '../../..');
  execFileSync('bash', [join(root, 'deploy/local/stack.sh'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'], cwd: root });
  beginSecretScan();
}
