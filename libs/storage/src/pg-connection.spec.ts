import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@md/contracts';
import { pgPoolConfig } from './pg-connection';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const dir = mkdtempSync(join(tmpdir(), 'md-pg-connection-'));
const ca = join(dir, 'ca.pem');
const key = join(dir, 'client.key');
writeFileSync(ca, PEM);
writeFileSync(key, KEY);

const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('no ConfigError');
};

describe('pgPoolConfig', () => {
  it('connects in plaintext without sslmode, as before', () => {
    expect(pgPoolConfig('postgres://postgres@127.0.0.1:5432/test')).toEqual({
      host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', password: undefined, ssl: false,
    });
  });

  it('verifies chain and host name with sslmode=verify-full and the CA of sslrootcert', () => {
    const ssl = pgPoolConfig(`postgres://md@db.internal:6432/md?sslmode=verify-full&sslrootcert=${ca}`).ssl as Record<string, unknown>;
    expect(ssl).toEqual({ rejectUnauthorized: true, ca: PEM });
    expect(ssl.checkServerIdentity).toBeUndefined();
  });

  it('verifies the chain only with verify-ca, nothing with require, the chain with require and a CA (libpq)', () => {
    const ssl = (q: string) => pgPoolConfig(`postgres://h/db?${q}`).ssl as Record<string, unknown>;
    expect(ssl(`sslmode=verify-ca&sslrootcert=${ca}`)).toMatchObject({ rejectUnauthorized: true, ca: PEM, checkServerIdentity: expect.any(Function) });
    expect(ssl('sslmode=require')).toMatchObject({ rejectUnauthorized: false });
    expect(ssl(`sslmode=require&sslrootcert=${ca}`)).toMatchObject({ rejectUnauthorized: true, checkServerIdentity: expect.any(Function) });
    expect(ssl('sslmode=verify-full&sslrootcert=system')).toEqual({ rejectUnauthorized: true });
  });

  it('takes the password from beside the URL, or from the URL, never both', () => {
    expect(pgPoolConfig('postgres://md@h/db', { password: 's3cret' }).password).toBe('s3cret');
    expect(pgPoolConfig('postgres://md:p%40ss@h/db').password).toBe('p@ss');
    expect(message(() => pgPoolConfig('postgres://md:pw@h/db', { password: 'x' }))).toBe('config: DATABASE_PASSWORD is set and DATABASE_URL holds a password too: set one');
    expect(message(() => pgPoolConfig('postgres://md:pw@h/db', { password: () => 'x' }))).toMatch(/holds a password too/);
  });

  it('hands pg a password function as it is, which pg calls for each new connection (a rotated DATABASE_PASSWORD_FILE)', () => {
    const current = () => 'rotating';
    expect(pgPoolConfig('postgres://md@h/db', { password: current }).password).toBe(current);
  });

  it('passes other parameters to pg and keeps its own out', () => {
    expect(pgPoolConfig('postgres://h/db?application_name=md&sslmode=disable')).toMatchObject({ application_name: 'md', ssl: false });
  });

  it('stops with one line naming the variable, the password redacted, on a bad setting', () => {
    const url = (q: string) => `postgres://md:hunter2@h/db?${q}`;
    expect(message(() => pgPoolConfig(url('sslmode=verify_full')))).toBe(
      'config: DATABASE_URL is invalid ("postgres://…@h/db?sslmode=verify_full"): sslmode must be one of disable, require, verify-ca, verify-full (got "verify_full")');
    expect(message(() => pgPoolConfig(url('sslmode=verify-full&sslrootcert=/nonexistent/ca.pem')))).toMatch(/: sslrootcert "\/nonexistent\/ca.pem": cannot read it \(ENOENT\)$/);
    expect(message(() => pgPoolConfig(url(`sslmode=verify-full&sslrootcert=${key}`)))).toMatch(/holds no PEM certificate$/);
    expect(message(() => pgPoolConfig(url('sslmode=prefer')))).toMatch(/sslmode=prefer falls back to plaintext/);
    expect(message(() => pgPoolConfig(url(`sslrootcert=${ca}`)))).toMatch(/sslrootcert is set but sslmode is not: add sslmode=verify-full$/);
    expect(message(() => pgPoolConfig(url(`sslmode=verify-full&sslcert=${ca}`)))).toMatch(/sslcert and sslkey go together/);
    expect(message(() => pgPoolConfig(url('ssl=true')))).toMatch(/instead of the pg-only ssl/);
    expect(message(() => pgPoolConfig('mysql://h/db', { urlName: '--database-url' }))).toBe('config: --database-url is invalid ("mysql://h/db"): must be a postgres:// URL (postgres://user@host:5432/db)');
    for (const m of [url('sslmode=x'), url('sslmode=verify-full&sslrootcert=/nope')].map((u) => message(() => pgPoolConfig(u)))) expect(m).not.toContain('hunter2');
  });
});
