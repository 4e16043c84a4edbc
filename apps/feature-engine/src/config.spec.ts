import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { CHECK_EVERY_MS, ConfigError, parseConfig } from '@md/config';
import { createRedisClient, describeRedis } from '@md/feature-store';
import { FeatureEngineConfig, redisSettings } from './config';

const dir = mkdtempSync(join(tmpdir(), 'md-fe-config-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const passwordFile = join(dir, 'redis-password');
writeFileSync(passwordFile, 'hunter22\n');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (env: Record<string, string>) => redisSettings(parseConfig(FeatureEngineConfig, env));
const refusal = (env: Record<string, string>) => {
  try {
    parseConfig(FeatureEngineConfig, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the config was accepted');
};

describe('feature-engine Redis config', () => {
  it('keeps the local single node without TLS or credentials by default', () => {
    expect(settings({})).toEqual({ node: { host: '127.0.0.1', port: 6379, db: 0 }, clusterNodes: [], username: undefined, password: undefined });
  });

  it('takes TLS from a rediss:// URL, and the user and password from the URL, decoded', () => {
    const s = settings({ REDIS_URL: 'rediss://md%40app:p%3Ass@redis.example:6380/2' });
    expect(s).toEqual({ node: { host: 'redis.example', port: 6380, db: 2 }, clusterNodes: [], username: 'md@app', password: 'p:ss', tls: { ca: undefined } });
  });

  it('lets REDIS_USERNAME and REDIS_PASSWORD_FILE take precedence over the URL, and reads the CA', () => {
    const s = settings({ REDIS_URL: 'redis://old:old@h:1', REDIS_TLS: 'true', REDIS_TLS_CA_FILE: caFile, REDIS_USERNAME: 'md', REDIS_PASSWORD_FILE: passwordFile });
    expect(s).toMatchObject({ username: 'md', password: 'hunter22', tls: { ca: expect.stringContaining('BEGIN CERTIFICATE') } });
  });

  it('follows REDIS_PASSWORD_FILE: the client, single or cluster, sends the rotated password at its next connect', () => {
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const now = jest.spyOn(Date, 'now').mockReturnValue(5_000_000);
    const rotating = join(dir, 'redis-rotating');
    writeFileSync(rotating, 'first-pw\n');
    try {
      const env = { REDIS_USERNAME: 'md', REDIS_PASSWORD_FILE: rotating };
      const single = createRedisClient(redisSettings(parseConfig(FeatureEngineConfig, env), env)) as Redis;
      const cluster = createRedisClient(redisSettings(parseConfig(FeatureEngineConfig, { ...env, REDIS_CLUSTER_NODES: 'a:7000' }), env)) as Cluster;
      // What ioredis reads when it (re)connects: the client's options, and the options a new cluster node copies.
      const sent = () => [single.options.password, { ...cluster.options.redisOptions }.password];
      expect(sent()).toEqual(['first-pw', 'first-pw']);
      writeFileSync(rotating, 'second-pw\n');
      now.mockReturnValue(5_000_000 + CHECK_EVERY_MS);
      expect(sent()).toEqual(['second-pw', 'second-pw']);
      single.disconnect();
      cluster.disconnect();
    } finally {
      logged.mockRestore();
      now.mockRestore();
    }
  });

  it('builds a cluster client from REDIS_CLUSTER_NODES, with the URL still giving TLS and credentials', () => {
    const s = settings({ REDIS_CLUSTER_NODES: 'a:7000, b:7001,c:7002', REDIS_URL: 'rediss://:pw@ignored:1' });
    expect(s.clusterNodes).toEqual([{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }, { host: 'c', port: 7002 }]);
    expect(s).toMatchObject({ password: 'pw', tls: {} });
  });

  it('describes the target for logs without the password', () => {
    const s = settings({ REDIS_CLUSTER_NODES: 'a:7000,b:7001', REDIS_TLS: 'true', REDIS_USERNAME: 'md', REDIS_PASSWORD: 'hunter22' });
    expect(describeRedis(s)).toBe('cluster a:7000,b:7001 (TLS, user md)');
    expect(describeRedis(settings({ REDIS_URL: 'redis://:hunter22@h:1/3' }))).toBe('h:1/3 (no TLS, default user)');
  });

  it('stops at start, naming the variable, when the settings cannot work', () => {
    expect(refusal({ REDIS_TLS: 'true', REDIS_TLS_CA_FILE: join(dir, 'missing.pem') })).toBe('config: REDIS_TLS_CA_FILE is invalid ("' + join(dir, 'missing.pem') + '"): cannot read it (ENOENT)');
    expect(refusal({ REDIS_TLS: 'true', REDIS_TLS_CA_FILE: passwordFile })).toMatch(/^config: REDIS_TLS_CA_FILE is invalid \(".*"\): holds no PEM certificate/);
    expect(refusal({ REDIS_TLS_CA_FILE: caFile })).toBe('config: REDIS_TLS is invalid (unset): REDIS_TLS_CA_FILE is set, so set REDIS_TLS=true (or use a rediss:// REDIS_URL)');
    expect(refusal({ REDIS_TLS: 'false', REDIS_URL: 'rediss://h:1' })).toBe('config: REDIS_TLS is invalid ("false"): REDIS_URL is rediss:// (TLS): unset REDIS_TLS or use a redis:// URL');
    expect(refusal({ REDIS_USERNAME: 'md' })).toBe('config: REDIS_PASSWORD is invalid (unset): required when REDIS_USERNAME is set (or set REDIS_PASSWORD_FILE)');
    expect(refusal({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'redis://h:1/4' })).toBe('config: REDIS_CLUSTER_NODES is invalid ("a:7000"): a Redis Cluster has database 0 only, and REDIS_URL names database 4');
    expect(refusal({ REDIS_CLUSTER_NODES: 'a' })).toBe('config: REDIS_CLUSTER_NODES is invalid ("a"): must be host:port[,host:port…]');
    expect(refusal({ REDIS_TLS: 'yes' })).toMatch(/^config: REDIS_TLS is invalid \("yes"\)/);
  });

  it('never prints a password it refuses', () => {
    expect(refusal({ REDIS_PASSWORD: 'hunter22', REDIS_PASSWORD_FILE: passwordFile })).not.toContain('hunter22');
    expect(refusal({ REDIS_URL: 'redis://md:hunter22@h:1/4', REDIS_CLUSTER_NODES: 'a:1' })).not.toContain('hunter22');
    expect(refusal({ REDIS_URL: 'redis//md:hunter22@h:1' })).toMatch(/^config: REDIS_URL is invalid .*must be a redis:\/\/ URL$/);
    expect(refusal({ REDIS_URL: 'redis//md:hunter22@h:1' })).not.toContain('hunter22');
  });
});
