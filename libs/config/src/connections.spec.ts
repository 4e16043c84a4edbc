import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { kafkaConnectionOf, registryConnectionOf } from './connections';
import { CHECK_EVERY_MS } from './secret-file';
import { commonConfig, connectionSchema, connectionsOf, parseConfig, redactUrl, redactValue } from './parse-config';

describe('Kafka and registry connection settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-connections-'));
  const ca = join(dir, 'ca.pem');
  const passwordFile = join(dir, 'password');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  writeFileSync(passwordFile, 's3cret-from-file\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const service = z.object({ ...commonConfig, HTTP_PORT: commonConfig.HTTP_PORT.default(0) });
  const parse = (env: Record<string, string>) => parseConfig(service, env);
  const error = (env: Record<string, string>) => {
    try {
      parse(env);
    } catch (err) {
      return (err as Error).message;
    }
    return 'parsed';
  };

  it('is plaintext and unauthenticated by default (the local stack)', () => {
    expect(connectionsOf(parseConfig(connectionSchema, {}))).toEqual({
      kafka: { brokers: ['127.0.0.1:9092'] },
      registry: { url: 'http://127.0.0.1:8081/apis/ccompat/v7' },
    });
  });

  it('builds TLS + SCRAM with the CA and a password read from a file', () => {
    const config = parse({
      KAFKA_BROKERS: 'b1.example:9096,b2.example:9096', KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca,
      KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'md', KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    expect(kafkaConnectionOf(config)).toEqual({
      brokers: ['b1.example:9096', 'b2.example:9096'],
      ssl: { rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') },
      sasl: { mechanism: 'scram-sha-512', username: 'md', password: 's3cret-from-file' },
    });
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'x' }, /^config: KAFKA_SASL_USERNAME is invalid \(unset\)/],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'md' }, /^config: KAFKA_SASL_PASSWORD is invalid \(unset\).*KAFKA_SASL_PASSWORD_FILE/],
    [{ KAFKA_SASL_USERNAME: 'md', KAFKA_SASL_PASSWORD: 'x' }, /^config: KAFKA_SASL_MECHANISM is invalid \(unset\)/],
    [{ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'md', KAFKA_SASL_PASSWORD: 'x' }, /^config: KAFKA_SASL_MECHANISM is invalid \("gssapi"\)/],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'md', KAFKA_SASL_PASSWORD: 'x' }, /^config: KAFKA_SSL is invalid .*clear text/],
    [{ KAFKA_SSL_CA_FILE: ca }, /^config: KAFKA_SSL is invalid/],
    [{ KAFKA_SSL: 'yes' }, /^config: KAFKA_SSL is invalid \("yes"\)/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') }, /^config: KAFKA_SSL_CA_FILE is invalid \(".*missing.pem"\): cannot read it \(ENOENT\)/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: ca }, /^config: KAFKA_SSL_KEY_FILE is invalid \(unset\)/],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'md', KAFKA_SASL_PASSWORD_FILE: join(dir, 'nope') }, /^config: KAFKA_SASL_PASSWORD_FILE is invalid/],
    [{ SCHEMA_REGISTRY_USERNAME: 'key' }, /^config: SCHEMA_REGISTRY_PASSWORD is invalid \(unset\)/],
    [{ SCHEMA_REGISTRY_TOKEN: 't', SCHEMA_REGISTRY_USERNAME: 'key', SCHEMA_REGISTRY_PASSWORD: 'p' }, /^config: SCHEMA_REGISTRY_TOKEN is invalid/],
    [{ SCHEMA_REGISTRY_CA_FILE: ca }, /^config: SCHEMA_REGISTRY_URL is invalid .*https/],
  ])('stops at start with one line naming the variable: %j', (env, expected) => {
    const message = error(env);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });

  it('never puts a password in its message', () => {
    expect(error({ KAFKA_SASL_USERNAME: 'md', KAFKA_SASL_PASSWORD: 'hunter2-secret' })).not.toContain('hunter2-secret');
    expect(error({ SCHEMA_REGISTRY_PASSWORD: 'hunter2-secret' })).not.toContain('hunter2-secret');
  });

  it('builds registry Basic auth, a bearer token and the CA of an https registry', () => {
    const base = { KAFKA_BROKERS: [], SCHEMA_REGISTRY_URL: 'https://registry.example/apis/ccompat/v7' };
    expect(registryConnectionOf({ ...base, SCHEMA_REGISTRY_USERNAME: 'key', SCHEMA_REGISTRY_PASSWORD: 'secret', SCHEMA_REGISTRY_CA_FILE: ca }))
      .toEqual({ url: base.SCHEMA_REGISTRY_URL, auth: { username: 'key', password: 'secret' }, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(registryConnectionOf({ ...base, SCHEMA_REGISTRY_TOKEN: 'tok' })).toEqual({ url: base.SCHEMA_REGISTRY_URL, auth: { token: 'tok' } });
  });

  it('follows KAFKA_SASL_PASSWORD_FILE and SCHEMA_REGISTRY_PASSWORD_FILE: a rotated file reaches the next login and request', () => {
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const now = jest.spyOn(Date, 'now').mockReturnValue(5_000_000);
    try {
      const [kafkaFile, registryFile] = [join(dir, 'kafka-rotating'), join(dir, 'registry-rotating')];
      writeFileSync(kafkaFile, 'kafka-1\n');
      writeFileSync(registryFile, 'registry-1\n');
      const env = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'md', KAFKA_SASL_PASSWORD_FILE: kafkaFile, SCHEMA_REGISTRY_USERNAME: 'key', SCHEMA_REGISTRY_PASSWORD_FILE: registryFile };
      const config = parse(env);
      const [kafka, registry] = [kafkaConnectionOf(config, env), registryConnectionOf(config, env)];
      expect([kafka.sasl, registry.auth]).toEqual([{ mechanism: 'scram-sha-512', username: 'md', password: 'kafka-1' }, { username: 'key', password: 'registry-1' }]);
      writeFileSync(kafkaFile, 'kafka-2\n');
      writeFileSync(registryFile, 'registry-2\n');
      now.mockReturnValue(5_000_000 + CHECK_EVERY_MS);
      // The same objects: kafkajs and the registry client keep them and read them again.
      expect([kafka.sasl, registry.auth]).toEqual([{ mechanism: 'scram-sha-512', username: 'md', password: 'kafka-2' }, { username: 'key', password: 'registry-2' }]);
      expect(logged).toHaveBeenCalledWith('KAFKA_SASL_PASSWORD_FILE changed: new connections use the new secret');
    } finally {
      logged.mockRestore();
      now.mockRestore();
    }
  });
});

describe('config errors never print a secret', () => {
  it('hides a secret variable and the credentials of a URL', () => {
    expect(() => parseConfig(z.object({ SCHEMA_REGISTRY_URL: z.string().url() }), { SCHEMA_REGISTRY_URL: 'h ttp://svc:hunter2@registry' }))
      .toThrow('config: SCHEMA_REGISTRY_URL is invalid ("h ttp://…@registry"): Invalid url');
    expect(() => parseConfig(z.object({ KAFKA_SASL_PASSWORD: z.string().min(12) }), { KAFKA_SASL_PASSWORD: 'hunter2' }))
      .toThrow('config: KAFKA_SASL_PASSWORD is invalid ("(hidden)")');
    expect(() => parseConfig(z.object({ DATABASE_URL: z.string().startsWith('postgres://') }), { DATABASE_URL: 'pg://db/md?sslmode=require&password=hunter2' }))
      .toThrow('config: DATABASE_URL is invalid ("pg://db/md?sslmode=require&password=…")');
    // Unencoded '/' and '@' in a password (the case that makes a URL invalid in the first place).
    expect(redactValue('DATABASE_URL', 'postgres://md:pa/ss@db/md')).toBe('postgres://…@db/md');
    expect(redactValue('DATABASE_URL', 'postgres://md:p@ss@db/md?sslmode=verify-full')).toBe('postgres://…@db/md?sslmode=verify-full');
  });
});

describe('redactUrl (database URLs)', () => {
  it('hides the user, the password and password parameters', () => {
    expect(redactUrl('postgres://md:s3cret@db:5432/md?sslmode=verify-full')).toBe('postgres://…@db:5432/md?sslmode=verify-full');
    expect(redactUrl('postgres://db/md?user=md&password=s3cret&sslpassword=k')).toBe('postgres://db/md?user=md&password=…&sslpassword=…');
    expect(redactUrl('postgres://127.0.0.1:5432/test')).toBe('postgres://127.0.0.1:5432/test');
  });

  it('hides a password with an unencoded / or @', () => {
    expect(redactUrl('postgres://md:pa/ss@db/md')).toBe('postgres://…@db/md');
    expect(redactUrl('postgres://md:p@ss@db/md?sslmode=require')).toBe('postgres://…@db/md?sslmode=require');
  });
});
