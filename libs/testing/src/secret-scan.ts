import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, stackLogDir } from './paths';

// "A log capture of a full test run contains no configured key or secret": tests register the
// credentials they configure services with; the integration run's global teardown scans every
// log written during the run for them and fails the run if one shows up.

const registryFile = () => join(repoRoot(), '.stack', 'test-secrets.txt');
const startFile = () => join(repoRoot(), '.stack', 'test-run-started');

/** Called by the global setup: a fresh registry and the run's start time. */
export function beginSecretScan(): void {
  mkdirSync(join(repoRoot(), '.stack'), { recursive: true });
  writeFileSync(registryFile(), '');
  writeFileSync(startFile(), String(Date.now()));
}

/** Remembers credentials a test gives to a service (stored base64, one per line). */
export function registerTestSecrets(...secrets: string[]): void {
  mkdirSync(join(repoRoot(), '.stack'), { recursive: true });
  appendFileSync(registryFile(), secrets.map((s) => `${Buffer.from(s).toString('base64')}\n`).join(''));
}

export function registeredTestSecrets(): string[] {
  if (!existsSync(registryFile())) return [];
  return readFileSync(registryFile(), 'utf8').split('\n').filter(Boolean).map((b) => Buffer.from(b, 'base64').toString());
}

/** Shown instead of a secret in a finding: its first two characters and its length. */
export const maskSecret = (secret: string) => `${secret.slice(0, 2)}…(${secret.length} chars)`;

/** Log files in `dir` written since `sinceMs` that contain any of `secrets`. */
export function logsContaining(secrets: readonly string[], dir: string, sinceMs: number): Array<{ file: string; secret: string }> {
  if (!existsSync(dir) || !secrets.length) return [];
  const found: Array<{ file: string; secret: string }> = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
    const file = join(dir, name);
    if (statSync(file).mtimeMs < sinceMs) continue;
    const text = readFileSync(file, 'utf8');
    for (const secret of secrets) if (text.includes(secret)) found.push({ file, secret: maskSecret(secret) });
  }
  return found;
}

/** Called by the global teardown: throws naming each log that holds a registered secret. */
export function finishSecretScan(): void {
  const since = existsSync(startFile()) ? Number(readFileSync(startFile(), 'utf8')) : 0;
  const found = logsContaining(registeredTestSecrets(), stackLogDir(), since);
  if (found.length) throw new Error(`configured secrets found in service logs:\n${found.map((f) => `  ${f.file}: ${f.secret}`).join('\n')}`);
}
