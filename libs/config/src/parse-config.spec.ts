import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, commonConfig, parseConfig } from './parse-config';

const Schema = z.object({ ...commonConfig, HTTP_PORT: commonConfig.HTTP_PORT.default(3000) });

describe('service config', () => {
  it('fills the local-stack defaults', () => {
    const config = parseConfig(Schema, {});
    expect(config).toMatchObject({ KAFKA_BROKERS: ['127.0.0.1:9092'], HTTP_PORT: 3000, SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7' });
  });

  it('splits a broker list', () => {
    expect(parseConfig(Schema, { KAFKA_BROKERS: 'a:9092, b:9093' }).KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
  });

  it('names the variable, the value given and what it must be', () => {
    expect(() => parseConfig(Schema, { KAFKA_BROKERS: 'kafka' })).toThrow(new ConfigError('config: KAFKA_BROKERS is invalid ("kafka"): must be host:port[,host:port…]'));
    expect(() => parseConfig(Schema, { HTTP_PORT: '99999' })).toThrow(/^config: HTTP_PORT is invalid \("99999"\)/);
  });
});

describe('secrets from files', () => {
  const schema = z.object({ API_SECRET: z.string().min(1), REPLAY_FILE: z.string().optional() });
  const file = join(mkdtempSync(join(tmpdir(), 'md-secret-')), 'secret');
  writeFileSync(file, 's3cr3t\n');

  it('reads NAME from NAME_FILE, trimmed', () => {
    expect(parseConfig(schema, { API_SECRET_FILE: file })).toEqual({ API_SECRET: 's3cr3t' });
  });

  it('leaves variables that merely end in _FILE alone', () => {
    expect(parseConfig(schema, { API_SECRET: 'x', REPLAY_FILE: '/data/bars.csv' })).toEqual({ API_SECRET: 'x', REPLAY_FILE: '/data/bars.csv' });
  });

  it('refuses both, and an unreadable file, naming the variable but not the secret', () => {
    expect(() => parseConfig(schema, { API_SECRET: 'x', API_SECRET_FILE: file })).toThrow('config: API_SECRET and API_SECRET_FILE are both set');
    expect(() => parseConfig(schema, { API_SECRET_FILE: '/nonexistent/secret' })).toThrow('config: API_SECRET_FILE is invalid ("/nonexistent/secret"): cannot read it (ENOENT)');
  });
});

describe('cross-field checks', () => {
  const schema = z
    .object({ API_KEY: z.string().optional(), STREAM_URL: z.string().optional() })
    .superRefine((c, ctx) => {
      if (c.STREAM_URL && !c.API_KEY) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['API_KEY'], message: 'required with STREAM_URL' });
    });

  it('name the variable that is missing, in the one line', () => {
    expect(() => parseConfig(schema, { STREAM_URL: 'wss://x' })).toThrow(new ConfigError('config: API_KEY is invalid (unset): required with STREAM_URL'));
  });

  it('still read secrets from NAME_FILE under a refinement', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'md-secret-')), 'key');
    writeFileSync(file, 'k3y\n');
    expect(parseConfig(schema, { STREAM_URL: 'wss://x', API_KEY_FILE: file })).toEqual({ STREAM_URL: 'wss://x', API_KEY: 'k3y' });
  });
});
