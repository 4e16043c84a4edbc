import { redactUrl } from '@md/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiToken } from './cli-context';
import { databasePassword, parseBaseUrl, parseBrokers, parseDatabaseUrl } from './parse-endpoints';
import { UsageError } from './usage-error';

describe('parseBrokers', () => {
  it('splits and trims a broker list', () => {
    expect(parseBrokers('127.0.0.1:9092, kafka-1.internal:19092')).toEqual(['127.0.0.1:9092', 'kafka-1.internal:19092']);
  });

  it.each(['kafka', '127.0.0.1:99999', '', 'http://k:9092'])('refuses "%s" with the expected form', (text) => {
    expect(() => parseBrokers(text)).toThrow(/is not a broker list: use host:port\[,host:port…\], e\.g\. 127\.0\.0\.1:9092 \(or set KAFKA_BROKERS\)$/);
  });
});

describe('parseBaseUrl', () => {
  it('drops a trailing slash', () => {
    expect(parseBaseUrl('http://127.0.0.1:8081/apis/ccompat/v7/', '--registry')).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
  });

  it('refuses a non-URL and a non-http scheme', () => {
    expect(() => parseBaseUrl('ftp://127.0.0.1:3105', '--writer-url')).toThrow('--writer-url "ftp://127.0.0.1:3105" must be an http:// or https:// URL');
    expect(() => parseBaseUrl('not a url', '--writer-url')).toThrow('--writer-url "not a url" is not a URL');
  });
});

describe('parseDatabaseUrl', () => {
  it('takes a postgres:// URL as it is', () => {
    expect(parseDatabaseUrl(' postgresql://md:pw@db:5432/md ', 'replay --from-db')).toBe('postgresql://md:pw@db:5432/md');
  });

  it('refuses a missing URL saying where to give it, and a wrong one without echoing its password', () => {
    expect(() => parseDatabaseUrl(undefined, 'replay --from-db')).toThrow(/^replay --from-db reads the writer's database: pass --database-url postgres:\/\/user@host:5432\/db or set DATABASE_URL/);
    expect(() => parseDatabaseUrl('', 'replay --from-db')).toThrow(UsageError);
    expect(() => parseDatabaseUrl('mysql://md:s3cret@db/md', 'replay --from-db')).toThrow('--database-url "mysql://…@db/md" is not a postgres:// URL');
  });

  it('redacts credentials in a URL', () => {
    expect(redactUrl('postgres://md:s3cret@db:5432/md')).toBe('postgres://…@db:5432/md');
    expect(redactUrl('postgres://127.0.0.1:5432/test')).toBe('postgres://127.0.0.1:5432/test');
  });
});

describe('secrets from the environment or a file', () => {
  it('reads NAME or the file NAME_FILE names, and refuses both at once naming them', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mdctl-secret-')), 'token');
    writeFileSync(file, 'from-file\n');
    expect(apiToken({ MD_API_TOKEN_FILE: file })).toBe('from-file');
    expect(apiToken({ MD_API_TOKEN: 'inline' })).toBe('inline');
    expect(apiToken({})).toBeUndefined();
    expect(databasePassword({ DATABASE_PASSWORD_FILE: file })).toBe('from-file');
    expect(() => apiToken({ MD_API_TOKEN: 'inline', MD_API_TOKEN_FILE: file })).toThrow(UsageError);
    expect(() => apiToken({ MD_API_TOKEN_FILE: join(file, 'missing') })).toThrow(/MD_API_TOKEN_FILE is invalid .*cannot read it/);
  });
});
