import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createRedisClient } from '@md/feature-store';
import { httpJson, makeTestCerts, startRedisTls, startService, stopService, waitFor, waitReady, type LocalRedisTls, type RunningService, type TestCerts } from '@md/testing';
import { prepareStoreRun, snapshot, type StoreRun } from './store-run';

// Integration: the feature-engine against a Redis that speaks TLS only and knows one ACL user
// (certificates made here, in a temp dir). The right credentials fill the store; a wrong password
// is one clear error line, /ready 503 and a process that keeps running and retrying; a client
// without TLS, or without credentials, is refused.

const USER = 'md-features';
const PASSWORD = 'tls-acl-pass-7d1f';
const WRONG = 'not-the-password-93c2';
const ROTATED = 'rotated-acl-pass-b4e8';
// The least the store needs (libs/feature-store/README.md): its keys, reads, writes, the script, the
// connection commands and INFO (ioredis' ready check). The test reads ACL LOG as an admin.
const STORE_RULES = ['on', `>${PASSWORD}`, '~test:*', 'resetchannels', '-@all', '+@read', '+@write', '+@scripting', '+@connection', '+info'];
const ADMIN = ['md-test-admin', 'on', '>admin-pass-51e0', '~*', '&*', '+@all'];

describe('feature store over Redis TLS with an ACL user (integration)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-redis-tls-test-'));
  let certs: TestCerts;
  let redis: LocalRedisTls;
  let run: StoreRun;
  let good: RunningService;
  let bad: RunningService;
  let client: Redis;
  const env = () => ({ REDIS_URL: `redis://127.0.0.1:${redis.port}`, REDIS_TLS: 'true', REDIS_TLS_CA_FILE: certs.caFile, REDIS_USERNAME: USER });

  beforeAll(async () => {
    certs = makeTestCerts(join(dir, 'certs'));
    redis = await startRedisTls(certs, [ADMIN, [USER, ...STORE_RULES]]);
    writeFileSync(join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'wrong'), `${WRONG}\n`, { mode: 0o600 });
    run = await prepareStoreRun('RT', 2);
    const other = await prepareStoreRun('RW', 1);
    await other.close();
    [good, bad] = await Promise.all([
      startService('feature-engine', { ...run.env, ...env(), REDIS_PASSWORD_FILE: join(dir, 'password') }, `test-${run.id}-engine`),
      startService('feature-engine', { ...other.env, ...env(), REDIS_PASSWORD_FILE: join(dir, 'wrong') }, `test-${other.id}-engine-wrong-password`),
    ]);
    client = createRedisClient({ node: { host: '127.0.0.1', port: redis.port, db: 0 }, clusterNodes: [], tls: { ca: readFileSync(certs.caFile, 'utf8') }, username: ADMIN[0], password: ADMIN[2].slice(1) }) as Redis;
  });

  afterAll(async () => {
    await Promise.all([good, bad].filter(Boolean).map((s) => stopService(s)));
    await run?.close();
    client?.disconnect();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const log = (s: RunningService) => readFileSync(s.logFile, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');

  it('fills the store through TLS as the ACL user, the password read from REDIS_PASSWORD_FILE', async () => {
    await waitReady(good, 60_000);
    await run.send(0, 30);
    await waitFor('the engine to take the bars', () => run.consumed(), 60_000, 200);
    const expected = await run.expected();
    await waitFor('the store to hold what the engine published', async () => JSON.stringify(await snapshot(client, run.options, run.symbols)) === JSON.stringify(expected), 30_000, 200);
    expect(await snapshot(client, run.options, run.symbols)).toEqual(expected);
    expect(expected[`${run.symbols[0]}/1m`].history).toHaveLength(30);
    // The ACL rules of the README are enough: the store's user was never refused a command or key.
    expect((await aclLog(client)).filter((e) => e.get('reason') !== 'auth').map((e) => Object.fromEntries(e))).toEqual([]);
  });

  it('with a wrong password: one clear error line, /ready 503 on redis alone, and the process keeps retrying', async () => {
    const ready = await waitFor('/ready 503 with only redis failing', async () => {
      const r = await httpJson(bad.port, '/ready');
      return r.status === 503 && r.body.checks?.kafka === true && r.body.checks?.redis === false ? r : undefined;
    }, 60_000, 200);
    expect(Object.entries(ready!.body.checks as Record<string, boolean>).filter(([, ok]) => !ok).map(([name]) => name)).toEqual(['redis']);
    // Redis counts the refused logins of one client in one ACL LOG entry: several means it retried.
    await waitFor('three refused logins in the server\'s ACL LOG', async () => (await refusedLogins(client)) >= 3, 30_000, 200);
    expect(bad.process.exitCode).toBeNull();
    const lines = log(bad).split('\n').filter((l) => l.includes('[RedisConnection]') && l.includes('WRONGPASS'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ERROR \[RedisConnection\] redis 127\.0\.0\.1:\d+\/0 \(TLS, user md-features\): WRONGPASS .*check REDIS_USERNAME, REDIS_PASSWORD/);
    for (const s of [good, bad]) {
      expect(log(s)).not.toContain(PASSWORD);
      expect(log(s)).not.toContain(WRONG);
    }
  });

  it('follows a rotated REDIS_PASSWORD_FILE: reconnects with the new password, same process, and keeps filling the store', async () => {
    await waitReady(good, 60_000);
    const pid = good.process.pid;
    // Issue 18 point 4, in the README's order: the new password beside the old one (ACL users hold
    // several), the file, then the old one removed and the user's connections dropped, so the
    // client must log in again with what the file holds now.
    await client.call('ACL', 'SETUSER', USER, `>${ROTATED}`);
    writeFileSync(join(dir, 'password'), `${ROTATED}\n`);
    // The client reads the file at most once a second, at a connect: wait until its connection is older than that.
    const ages = async () => String(await client.call('CLIENT', 'LIST')).split('\n').filter((l) => l.includes(` user=${USER} `)).map((l) => Number(/ age=(\d+)/.exec(l)?.[1]));
    await waitFor('the engine\'s connection older than a second', async () => (await ages()).every((age) => age >= 1), 10_000, 100);
    await client.call('ACL', 'SETUSER', USER, `<${PASSWORD}`);
    expect(Number(await client.call('CLIENT', 'KILL', 'USER', USER))).toBeGreaterThan(0);
    await run.send(30, 40);
    await waitFor('the engine to take the new bars', () => run.consumed(), 60_000, 200);
    const expected = await run.expected();
    await waitFor('the store to hold them, written after the rotation', async () => JSON.stringify(await snapshot(client, run.options, run.symbols)) === JSON.stringify(expected), 30_000, 200);
    expect(expected[`${run.symbols[0]}/1m`].history).toHaveLength(40);
    expect([good.process.pid, good.process.exitCode]).toEqual([pid, null]);
    expect(log(good)).toContain('REDIS_PASSWORD_FILE changed: new connections use the new secret');
    expect(log(good)).not.toMatch(/ERROR \[RedisConnection\]/);
    expect(log(good)).not.toContain(ROTATED);
  });

  it('refuses a client without TLS, and a TLS client without credentials', async () => {
    const plain = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 3_000 });
    plain.on('error', () => undefined);
    try {
      await expect(plain.connect().then(() => plain.ping())).rejects.toThrow();
    } finally {
      plain.disconnect();
    }
    const anonymous = new Redis({ host: '127.0.0.1', port: redis.port, tls: { ca: readFileSync(certs.caFile, 'utf8') }, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    const errors: string[] = [];
    anonymous.on('error', (err: Error) => errors.push(err.message));
    try {
      await expect(anonymous.connect().then(() => anonymous.ping())).rejects.toThrow();
      expect(errors.join('\n')).toMatch(/NOAUTH Authentication required/);
    } finally {
      anonymous.disconnect();
    }
  });
});

/** ACL LOG entries (Redis 6+): refused logins (reason auth) and refused commands or keys. */
async function aclLog(client: Redis): Promise<Array<Map<string, string>>> {
  const entries = (await client.call('ACL', 'LOG')) as Array<Array<string | number>>;
  return entries.map((e) => new Map(Array.from({ length: e.length / 2 }, (_, i) => [String(e[2 * i]), String(e[2 * i + 1])])));
}

async function refusedLogins(client: Redis): Promise<number> {
  return (await aclLog(client)).filter((e) => e.get('reason') === 'auth' && e.get('username') === USER).reduce((n, e) => n + Number(e.get('count')), 0);
}
