import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiAccess } from './api-access';
import { bearerToken, matchToken, parseApiTokens, type ApiToken } from './api-tokens';
import { RateLimiter } from './rate-limiter';
import { TokenFile } from './token-file';

const READER = 'r'.repeat(40);
const OPERATOR = 'o'.repeat(40);
const fileText = (tokens: object[]) => JSON.stringify({ tokens });
const tokens = parseApiTokens(fileText([{ name: 'research', token: READER, scopes: ['read'] }, { name: 'ops', token: OPERATOR, scopes: ['admin'], ratePerSecond: 2 }])) as ApiToken[];

describe('API tokens file', () => {
  it('refuses a weak, duplicated or unknown-scope token, naming the path and never the token', () => {
    expect((parseApiTokens(fileText([{ name: 'a', token: 'short', scopes: ['read'] }])) as Error).message).toBe('tokens.0.token: must be at least 32 characters (make one with: openssl rand -base64 32)');
    expect((parseApiTokens(fileText([{ name: 'a', token: READER, scopes: ['read'] }, { name: 'a', token: OPERATOR, scopes: ['read'] }])) as Error).message).toMatch(/^tokens\.1\.name: "a" is used twice/);
    const same = (parseApiTokens(fileText([{ name: 'a', token: READER, scopes: ['read'] }, { name: 'b', token: READER, scopes: ['read'] }])) as Error).message;
    expect(same).toBe('tokens.1.token: is the same as an earlier token');
    expect((parseApiTokens(fileText([{ name: 'a', token: READER, scopes: ['write'] }])) as Error).message).toMatch(/^tokens\.0\.scopes\.0: /);
    expect((parseApiTokens('{"tokens": [}') as Error).message).toMatch(/^not JSON/);
    expect((parseApiTokens('{"tokens": []}') as Error).message).toBe('tokens: must list at least one token');
  });

  it('matches a presented token by digest only, and reads only a well-formed Bearer header', () => {
    expect(matchToken(tokens, READER)?.name).toBe('research');
    expect(matchToken(tokens, `${READER}x`)).toBeUndefined();
    expect(matchToken(tokens, READER.slice(1))).toBeUndefined();
    expect(tokens.every((t) => !JSON.stringify(t).includes(READER))).toBe(true);
    expect(bearerToken(`Bearer ${READER}`)).toBe(READER);
    expect(bearerToken(`bearer  ${READER}`)).toBe(READER);
    expect(bearerToken(`Basic ${READER}`)).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('ApiAccess', () => {
  const access = new ApiAccess({ tokens: () => tokens, ratePerSecond: 1000, burst: 3 });

  it('answers 401 without or with an unknown token, 403 without the scope, and lets admin read', () => {
    expect(access.decide(undefined, 'read', 0)).toMatchObject({ status: 401, token: 'anonymous' });
    expect(access.decide(`Bearer ${'x'.repeat(40)}`, 'read', 0)).toMatchObject({ status: 401, token: 'anonymous' });
    expect(access.decide(`Bearer ${READER}`, 'admin', 0)).toMatchObject({ status: 403, token: 'research', message: expect.stringContaining('"admin"') });
    expect(access.decide(`Bearer ${READER}`, 'read', 0)).toEqual({ status: 200, token: 'research' });
    expect(access.decide(`Bearer ${OPERATOR}`, 'read', 0)).toEqual({ status: 200, token: 'ops' });
  });

  it('limits each token on its own: a burst, then its rate, with the seconds to wait', () => {
    const limited = new ApiAccess({ tokens: () => tokens, ratePerSecond: 1000, burst: 3 });
    const ops = () => limited.decide(`Bearer ${OPERATOR}`, 'admin', 10_000).status;
    expect([ops(), ops(), ops(), ops()]).toEqual([200, 200, 200, 429]);
    expect(limited.decide(`Bearer ${OPERATOR}`, 'admin', 10_000)).toMatchObject({ status: 429, retryAfterSeconds: 1 });
    expect(limited.decide(`Bearer ${READER}`, 'read', 10_000).status).toBe(200);
    expect(limited.decide(`Bearer ${OPERATOR}`, 'admin', 10_600).status).toBe(200);
  });

  it('is open, as the local caller, without a tokens file', () => {
    expect(new ApiAccess({ ratePerSecond: 1, burst: 1 }).decide(undefined, 'admin', 0)).toEqual({ status: 200, token: 'local' });
  });
});

describe('RateLimiter', () => {
  it('refills at the rate up to the burst and forgets removed names', () => {
    const limiter = new RateLimiter(2);
    expect([limiter.take('a', 4, 0), limiter.take('a', 4, 0)]).toEqual([0, 0]);
    expect(limiter.take('a', 4, 0)).toBeCloseTo(0.25);
    expect(limiter.take('a', 4, 250)).toBe(0);
    expect(limiter.take('a', 4, 60_000)).toBe(0);
    expect(limiter.take('a', 4, 60_000)).toBe(0);
    expect(limiter.take('a', 4, 60_000)).toBeGreaterThan(0);
    limiter.retain(new Set(['b']));
    expect(limiter.take('a', 4, 60_000)).toBe(0);
  });
});

describe('TokenFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-tokens-'));
  const path = join(dir, 'tokens.json');
  const warnings: string[] = [];
  const log = { log: (m: string) => warnings.push(m), warn: (m: string) => warnings.push(`WARN ${m}`) };
  let now = 0;

  it('stops the service at start with one line naming API_TOKENS_FILE', () => {
    writeFileSync(path, fileText([{ name: 'a', token: 'short', scopes: ['read'] }]));
    expect(() => new TokenFile(path, log)).toThrow(`config: API_TOKENS_FILE is invalid ("${path}"): tokens.0.token: must be at least 32 characters`);
    expect(() => new TokenFile(join(dir, 'absent.json'), log)).toThrow(/cannot read it \(ENOENT\)/);
  });

  it('follows the file: a rotation counts within a second, a broken file keeps the last good tokens', () => {
    writeFileSync(path, fileText([{ name: 'old', token: READER, scopes: ['read'] }]));
    const file = new TokenFile(path, log, () => now);
    expect(file.current().map((t) => t.name)).toEqual(['old']);
    // An atomic swap, as a Kubernetes Secret update does.
    writeFileSync(`${path}.next`, fileText([{ name: 'new', token: OPERATOR, scopes: ['read'] }]));
    renameSync(`${path}.next`, path);
    now = 500;
    expect(file.current().map((t) => t.name)).toEqual(['old']);
    now = 1500;
    expect(file.current().map((t) => t.name)).toEqual(['new']);
    writeFileSync(path, '{"tokens": [');
    now = 3000;
    expect(file.current().map((t) => t.name)).toEqual(['new']);
    expect(warnings.at(-2)).toMatch(/^API_TOKENS_FILE .* re-read: 1 token\(s\) in force \(new\)$/);
    expect(warnings.at(-1)).toMatch(/^WARN API_TOKENS_FILE .* changed but cannot be used \(not JSON/);
    expect(warnings.join('\n')).not.toContain(OPERATOR);
  });
});
