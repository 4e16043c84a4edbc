import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './service-process';
import { makeTestCerts, type TestCerts } from './test-certs';

/** A throw-away PostgreSQL cluster that takes TLS connections only, with a password role. */
export interface TlsPostgres {
  port: number;
  dir: string;
  certs: TestCerts;
  /** The login role and its password, and a database it owns. */
  user: string;
  password: string;
  database: string;
  /** The server's log (TLS and authentication failures are explained there). */
  logFile: string;
  /** Runs statements as the superuser, through the unix socket in `dir`. */
  psql(sql: string): string;
  stop(): void;
}

const BIN = '/usr/lib/postgresql/15/bin';

// initdb and postgres refuse to run as root (the tests do): run them as the postgres OS user.
function asPostgres(command: string, args: string[]): string {
  const asRoot = process.getuid?.() === 0;
  return execFileSync(asRoot ? 'runuser' : join(BIN, command), asRoot ? ['-u', 'postgres', '--', join(BIN, command), ...args] : args, {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A second cluster of this machine's PostgreSQL in a temp dir on a free loopback port, the system
 * one on 5432 untouched: `ssl = on` with a certificate of `makeTestCerts` (SAN 127.0.0.1 and
 * localhost), SCRAM passwords, and a pg_hba that takes hostssl with scram-sha-256 and rejects
 * every plaintext TCP connection (hostnossl … reject). It listens on 127.0.0.1 and 127.0.0.2, so
 * a client can reach it by an address its certificate does not name.
 */
export async function startTlsPostgres(password: string): Promise<TlsPostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'md-pg-tls-'));
  const certs = makeTestCerts(join(dir, 'certs'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  // The server reads its key and writes its data as the postgres user.
  execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  chmodSync(dir, 0o755);
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=reject', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  writeFileSync(join(data, 'pg_hba.conf'), [
    '# setup only, through the socket in the temp dir',
    'local all postgres trust',
    'hostssl all all 127.0.0.0/8 scram-sha-256',
    'hostnossl all all 0.0.0.0/0 reject',
    'hostnossl all all ::/0 reject',
    '',
  ].join('\n'));
  appendFileSync(join(data, 'postgresql.conf'), [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1,127.0.0.2'",
    `unix_socket_directories = '${dir}'`,
    'ssl = on',
    `ssl_cert_file = '${certs.certFile}'`,
    `ssl_key_file = '${certs.keyFile}'`,
    "password_encryption = 'scram-sha-256'",
    // A test cluster: nothing to keep through a crash, and a small footprint on a 2-core machine.
    'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', 'max_connections = 30', "shared_buffers = '32MB'",
    `log_connections = on`,
    '',
  ].join('\n'));
  asPostgres('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '30', 'start']);
  const user = 'md_tls';
  const database = 'md_tls';
  // Through the socket as the superuser; the password travels as a literal in a statement that is not logged.
  const psql = (sql: string) => asPostgres('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql]);
  psql(`CREATE ROLE ${user} LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
  psql(`CREATE DATABASE ${database} OWNER ${user}`);
  return {
    port, dir, certs, user, password, database, logFile, psql,
    stop: () => {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
