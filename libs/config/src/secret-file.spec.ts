import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECK_EVERY_MS, SecretFile, secretSource } from './secret-file';

describe('SecretFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-secret-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let clock = 0;
  let lines: string[] = [];
  const options = { now: () => clock, logger: { log: (m: string) => lines.push(`LOG ${m}`), warn: (m: string) => lines.push(`WARN ${m}`) } };
  beforeEach(() => {
    clock = 1_000_000;
    lines = [];
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('follows a file rewritten in place (docker compose secret, echo > file), looking at most once a second', () => {
    const path = file('rewritten', 'old-secret\n');
    const secret = new SecretFile('DATABASE_PASSWORD_FILE', path, 'old-secret', options);
    expect(secret.current()).toBe('old-secret');
    writeFileSync(path, 'new-secret-2\n');
    clock += CHECK_EVERY_MS - 1;
    expect(secret.current()).toBe('old-secret');
    clock += 1;
    expect(secret.current()).toBe('new-secret-2');
    expect(lines).toEqual(['LOG DATABASE_PASSWORD_FILE changed: new connections use the new secret']);
  });

  it('follows a Kubernetes Secret volume, whose update swaps the ..data symlink to a new directory', () => {
    const volume = join(dir, 'volume');
    mkdirSync(join(volume, '..2025_01'), { recursive: true });
    writeFileSync(join(volume, '..2025_01', 'password'), 'first');
    symlinkSync('..2025_01', join(volume, '..data'));
    symlinkSync(join('..data', 'password'), join(volume, 'password'));
    const secret = new SecretFile('KAFKA_SASL_PASSWORD_FILE', join(volume, 'password'), 'first', options);
    expect(secret.current()).toBe('first');
    // The kubelet's atomic writer: a new timestamped directory, a temporary link, renamed over ..data.
    mkdirSync(join(volume, '..2025_02'));
    writeFileSync(join(volume, '..2025_02', 'password'), 'secnd');
    symlinkSync('..2025_02', join(volume, '..data_tmp'));
    renameSync(join(volume, '..data_tmp'), join(volume, '..data'));
    clock += CHECK_EVERY_MS;
    expect(secret.current()).toBe('secnd');
  });

  it('keeps the last good value with one WARN naming the variable when the new file is empty, then takes it once written', () => {
    const path = file('half-written', 'good-one');
    const secret = new SecretFile('REDIS_PASSWORD_FILE', path, 'good-one', options);
    writeFileSync(path, '\n');
    for (let i = 0; i < 3; i++) {
      clock += CHECK_EVERY_MS;
      expect(secret.current()).toBe('good-one');
    }
    writeFileSync(path, 'good-two\n');
    clock += CHECK_EVERY_MS;
    expect(secret.current()).toBe('good-two');
    expect(lines).toEqual([
      `WARN REDIS_PASSWORD_FILE ("${path}"): it is empty; new connections keep using the secret read before`,
      'LOG REDIS_PASSWORD_FILE changed: new connections use the new secret',
    ]);
  });

  it('keeps the last good value when the file is gone or unreadable, one WARN per reason, never the value', () => {
    const path = file('vanishing', 'kept-value');
    const secret = new SecretFile('POLYGON_API_KEY_FILE', path, 'kept-value', options);
    unlinkSync(path);
    for (let i = 0; i < 3; i++) {
      clock += CHECK_EVERY_MS;
      expect(secret.current()).toBe('kept-value');
    }
    expect(lines).toEqual([`WARN POLYGON_API_KEY_FILE ("${path}"): cannot read it (ENOENT); new connections keep using the secret read before`]);
    // A directory where the file was: stat works, reading fails.
    mkdirSync(path);
    clock += CHECK_EVERY_MS;
    expect(secret.current()).toBe('kept-value');
    expect(lines[1]).toMatch(/^WARN POLYGON_API_KEY_FILE \(".*"\): cannot read it \(EISDIR\)/);
    rmSync(path, { recursive: true });
    writeFileSync(path, 'kept-value');
    clock += CHECK_EVERY_MS;
    expect(secret.current()).toBe('kept-value');
    expect(lines.join('\n')).not.toMatch(/kept-value/);
  });

  it('reads the file on first use, not the value given at boot, when they differ (a rotation between boot and the first connection)', () => {
    const secret = new SecretFile('DATABASE_PASSWORD_FILE', file('changed-before-use', 'newer'), 'older', options);
    expect(secret.current()).toBe('newer');
  });
});

describe('secretSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-secret-source-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const quiet = { logger: { log: () => undefined, warn: () => undefined } };

  it('follows NAME_FILE when the environment names one, returns the value as given otherwise, and nothing when unset', () => {
    const path = join(dir, 'pw');
    writeFileSync(path, 'from-file\n');
    let clock = 0;
    const followed = secretSource('DATABASE_PASSWORD', 'from-file', { DATABASE_PASSWORD_FILE: path }, { ...quiet, now: () => clock });
    expect(followed?.()).toBe('from-file');
    writeFileSync(path, 'rotated\n');
    clock += CHECK_EVERY_MS;
    expect(followed?.()).toBe('rotated');
    expect(secretSource('DATABASE_PASSWORD', 'in-env', {}, quiet)?.()).toBe('in-env');
    expect(secretSource('DATABASE_PASSWORD', undefined, { DATABASE_PASSWORD_FILE: path }, quiet)).toBeUndefined();
  });
});
