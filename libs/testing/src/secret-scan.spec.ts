import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logsContaining, maskSecret } from './secret-scan';

describe('secret scan of service logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-logs-'));
  writeFileSync(join(dir, 'gateway.log'), 'connected as AKXYZ [redacted]\n');
  writeFileSync(join(dir, 'leaky.log'), 'auth failed for secret s3cr3t-value\n');
  writeFileSync(join(dir, 'old.log'), 's3cr3t-value from an earlier run\n');
  utimesSync(join(dir, 'old.log'), new Date(0), new Date(0));

  it('finds a secret in a log of this run, masked, and ignores older logs and clean ones', () => {
    expect(logsContaining(['s3cr3t-value', 'never-used'], dir, 1000)).toEqual([{ file: join(dir, 'leaky.log'), secret: maskSecret('s3cr3t-value') }]);
  });

  it('never prints the secret itself', () => {
    expect(maskSecret('s3cr3t-value')).toBe('s3…(12 chars)');
  });
});
