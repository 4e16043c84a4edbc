import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { subscribe, type Bar } from '@md-platform/client';
import { LOCAL_STACK } from '@md/config';
import { TOPICS } from '@md/contracts';
import { DBB_EXCERPT_FILE, fixturePath } from '@md/fixtures';
import { PgDb } from '@md/storage';
import {
  exitCode, httpJson, makeTestCerts, mdctl, startRedisTls, type LocalRedisTls, metricValue, registerTestSecrets, startLocalKafka, startRegistryGateway, startService, startTlsPostgres,
  stopService, uniqueId, waitFor, waitReady, type LocalKafka, type RegistryGateway, type RunningService, type TestCerts, type TlsPostgres,
} from '@md/testing';

// The slice as it meets a managed cluster: a broker that only takes SASL_SSL (SCRAM) clients, a
// registry behind https and Basic auth, PostgreSQL with ssl=on and SCRAM verified as
// verify-full, Redis on a TLS port with an ACL user. Every secret comes from a *_FILE, every certificate is made here.
describe('secured slice: SASL_SSL Kafka, https registry, TLS PostgreSQL (integration)', () => {
  const symbol = uniqueId('SEC');
  const kafkaPassword = `kafka-${uniqueId('pw')}`;
  const registryPassword = `registry-${uniqueId('pw')}`;
  const dbPassword = `db-${uniqueId('pw')}`;
  const redisPassword = `redis-${uniqueId('pw')}`;
  let dir: string;
  let certs: TestCerts;
  let kafka: LocalKafka;
  let registry: RegistryGateway;
  let pg: TlsPostgres;
  let redisServer: LocalRedisTls;
  let db: PgDb;
  const services: RunningService[] = [];
  let env: Record<string, string>;
  let redis: Redis;

  const secretFile = (name: string, value: string) => {
    const file = join(dir, name);
    writeFileSync(file, `${value}\n`, { mode: 0o600 });
    return file;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'md-secured-'));
    certs = makeTestCerts(join(dir, 'certs'));
    registerTestSecrets(kafkaPassword, registryPassword, dbPassword, redisPassword);
    [kafka, registry, pg, redisServer] = await Promise.all([
      startLocalKafka({ dir: join(dir, 'kafka'), security: { certs, users: [{ name: 'broker', password: uniqueId('b') }, { name: 'md-svc', password: kafkaPassword }] } }),
      startRegistryGateway(LOCAL_STACK.registryUrl, certs, { username: 'md-svc', password: registryPassword }),
      startTlsPostgres(dbPassword),
      // The feature store's user may touch only its own prefix (the README's least privilege).
      startRedisTls(certs, [['md-features', 'on', `>${redisPassword}`, `~test:${symbol}:*`, '-@all', '+@read', '+@write', '+@scripting', '+@connection', '+info']]),
    ]);
    redis = new Redis({ host: '127.0.0.1', port: redisServer.port, username: 'md-features', password: redisPassword, tls: { ca: readFileSync(certs.caFile) }, lazyConnect: true });
    db = new PgDb(`postgres://${pg.user}@127.0.0.1:${pg.port}/${pg.database}?sslmode=verify-full&sslrootcert=${pg.certs.caFile}`, {}, { password: dbPassword });
    env = {
      KAFKA_BROKERS: kafka.bootstrap.join(','), KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: certs.caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'md-svc', KAFKA_SASL_PASSWORD_FILE: secretFile('kafka-password', kafkaPassword),
      SCHEMA_REGISTRY_URL: registry.url, SCHEMA_REGISTRY_CA_FILE: certs.caFile,
      SCHEMA_REGISTRY_USERNAME: 'md-svc', SCHEMA_REGISTRY_PASSWORD_FILE: secretFile('registry-password', registryPassword),
      SESSION_TIMEOUT_MS: '6000',
    };
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await redis?.quit().catch(() => undefined);
    await db?.close();
    await Promise.all([kafka?.stop(), registry?.stop(), redisServer?.stop()]);
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays bars through gateway, preprocessor, writer and feature-engine, every connection secured (Kafka, registry, PostgreSQL, Redis)', async () => {
    const prefix = `test:${symbol}`;
    const writer = await startService('timescale-writer', {
      ...env, DATABASE_URL: `postgres://${pg.user}@127.0.0.1:${pg.port}/${pg.database}?sslmode=verify-full&sslrootcert=${pg.certs.caFile}`,
      DATABASE_PASSWORD_FILE: secretFile('db-password', dbPassword),
    }, `test-${symbol}-writer`);
    const preprocessor = await startService('preprocessor', { ...env, TRANSACTIONAL_ID: `prep-${symbol}` }, `test-${symbol}-preprocessor`);
    const engine = await startService('feature-engine', {
      ...env, TRANSACTIONAL_ID: `features-${symbol}`, FEATURE_STORE_PREFIX: prefix,
      REDIS_URL: `redis://127.0.0.1:${redisServer.port}`, REDIS_TLS: 'true', REDIS_TLS_CA_FILE: certs.caFile,
      REDIS_USERNAME: 'md-features', REDIS_PASSWORD_FILE: secretFile('redis-password', redisPassword),
    }, `test-${symbol}-features`);
    services.push(writer, preprocessor, engine);
    await Promise.all(services.map((s) => waitReady(s)));

    const gateway = await startService('feed-gateway', {
      ...env, REPLAY_FILE: fixturePath(DBB_EXCERPT_FILE), REPLAY_SYMBOL: symbol, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true',
    }, `test-${symbol}-gateway`);
    expect(await exitCode(gateway)).toBe(0);
    const rows = readFileSync(fixturePath(DBB_EXCERPT_FILE), 'utf8').trim().split('\n').length - 1;

    await waitFor('every replayed bar stored through TLS PostgreSQL', async () => {
      const { rows: [r] } = await db.query<{ n: string }>('SELECT count(*) AS n FROM md.bars WHERE symbol = $1 AND timeframe = $2', [symbol, '1m']).catch(() => ({ rows: [{ n: '0' }] }));
      return Number(r.n) === rows;
    }, 120_000, 500);
    await waitFor('features of the symbol in the TLS Redis', async () => {
      if (redis.status === 'wait') await redis.connect();
      return (await redis.keys(`${prefix}:*`)).length > 0;
    }, 120_000, 500);
    expect(await metricValue(preprocessor.port, 'md_records_in_total', { topic: TOPICS.rawBars })).toBe(rows);
    expect(registry.forwarded).toBeGreaterThan(0);
    expect(registry.refused).toBe(0);
  });

  it('the client package subscribes through SASL_SSL and the https registry with Basic auth', async () => {
    const rows = readFileSync(fixturePath(DBB_EXCERPT_FILE), 'utf8').trim().split('\n').length - 1;
    const bars = subscribe({
      brokers: kafka.bootstrap, ssl: { ca: readFileSync(certs.caFile) }, sasl: { mechanism: 'scram-sha-512', username: 'md-svc', password: kafkaPassword },
      registryUrl: { url: registry.url, username: 'md-svc', password: registryPassword, ca: readFileSync(certs.caFile) },
      topics: [TOPICS.bars], groupId: `client-${symbol}`, from: 'earliest', acceptKey: (key) => key === symbol,
    });
    const received: Bar[] = [];
    for await (const record of bars) {
      received.push(record.value as Bar);
      if (received.length === rows) break;
    }
    expect(received).toHaveLength(rows);
    expect(received[0]).toMatchObject({ symbol, timeframe: '1m', open: '17.90000000' });
    expect(received[0].eventTime).toEqual(new Date('2023-07-10T13:30:00Z'));
  });

  it('a wrong Kafka password: one clear error, /ready 503, retries instead of crash-looping, and logs in once the file is fixed', async () => {
    const wrong = await startService('preprocessor', {
      ...env, KAFKA_SASL_PASSWORD_FILE: secretFile('wrong-password', 'not-the-password'), TRANSACTIONAL_ID: `prep-wrong-${symbol}`,
    }, `test-${symbol}-preprocessor-wrong`);
    services.push(wrong);
    // One line per login the broker refused (kafkajs logs each SaslAuthenticate answer).
    const authFailures = () => (readFileSync(wrong.logFile, 'utf8').match(/Response SaslAuthenticate/g) ?? []).length;
    const readiness = async () => (await httpJson(wrong.port, '/ready').catch(() => ({ status: 0 }))).status;
    await waitFor('refused logins retried with /ready 503, the process still up', async () =>
      authFailures() >= 3 && wrong.process.exitCode === null && (await readiness()) === 503, 90_000, 500);
    expect(wrong.process.exitCode).toBeNull();
    // Rotation (issue 18 point 4): the file rewritten in place reaches the next login, same process.
    const pid = wrong.process.pid;
    writeFileSync(join(dir, 'wrong-password'), `${kafkaPassword}\n`);
    await waitFor('/ready once KAFKA_SASL_PASSWORD_FILE holds the right password', async () => (await readiness()) === 200, 60_000, 250);
    expect([wrong.process.pid, wrong.process.exitCode]).toEqual([pid, null]);
    expect(readFileSync(wrong.logFile, 'utf8')).toContain('KAFKA_SASL_PASSWORD_FILE changed: new connections use the new secret');
    expect(readFileSync(wrong.logFile, 'utf8')).not.toContain('not-the-password');
  });

  it('mdctl reads the same variables: lists the topics and schemas through SASL_SSL and https', async () => {
    const topics = await mdctl(['topics', 'list'], env);
    expect(topics.stderr).toBe('');
    expect(topics.code).toBe(0);
    expect(topics.stdout).toContain(TOPICS.bars);
    const schemas = await mdctl(['schemas', 'list'], env);
    expect(schemas.code).toBe(0);
    expect(schemas.stdout).toContain(`${TOPICS.bars}-value`);
    const refused = await mdctl(['topics', 'list'], { ...env, KAFKA_SASL_PASSWORD_FILE: secretFile('mdctl-wrong', 'wrong-one') });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot reach the Kafka broker .*SASL/);
    expect(refused.stderr).not.toContain('wrong-one');
  });

  it('a half-configured connection stops a service at start with one line naming the variable', async () => {
    const { KAFKA_SASL_PASSWORD_FILE: _omitted, ...withoutPassword } = env;
    const service = await startService('preprocessor', withoutPassword, `test-${symbol}-preprocessor-incomplete`);
    expect(await exitCode(service)).toBe(1);
    expect(readFileSync(service.logFile, 'utf8').trim()).toBe('config: KAFKA_SASL_PASSWORD is invalid (unset): KAFKA_SASL_MECHANISM=scram-sha-512 needs a password (or KAFKA_SASL_PASSWORD_FILE)');
  });
});
