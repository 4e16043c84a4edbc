import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

// Stops and starts the machine's PostgreSQL cluster (Debian pg_ctlcluster), for outage tests.
function cluster(action: 'stop' | 'start'): void {
  const version = readdirSync('/etc/postgresql')[0];
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['--mode', 'fast'] : [])], { stdio: 'inherit' });
}

export function postgresAnswers(): boolean {
  return spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']).status === 0;
}

export const stopPostgres = () => cluster('stop');

/** Starts the cluster unless it already answers (safe to call from a finally block and afterAll). */
export function startPostgres(): void {
  if (!postgresAnswers()) cluster('start');
}
