import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';
import { repoRoot, stackLogDir } from '@md/testing';

// Integration: `npm start` as a user runs it (the built tools/start on the local stack), on the
// vendored two-year DBB file. It must store every bar and print an honest, quiet log: no ERROR
// line and no kafkajs retry warning, in its own output or in the logs of the services it ran.
const QUIET = /ERROR|Limiting retries/;
const strip = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function run(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot(), 'dist/tools/start/src/main.js')], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output: strip(output) }));
  });
}

/** The start-*.log files' lines written after `sizes` was taken. */
function newServiceLogLines(sizes: Map<string, number>): string[] {
  const dir = stackLogDir();
  return readdirSync(dir).filter((f) => /^start-.*\.log$/.test(f)).flatMap((f) => {
    const text = readFileSync(join(dir, f)).subarray(sizes.get(f) ?? 0).toString('utf8');
    return strip(text).split('\n').map((line) => `${f}: ${line}`);
  });
}

describe('npm start (integration)', () => {
  it('stores every bar of the vendored DBB file and prints no ERROR line or retry warning', async () => {
    const dir = stackLogDir();
    const sizes = new Map(existsSync(dir) ? readdirSync(dir).map((f) => [f, statSync(join(dir, f)).size] as const) : []);
    const rows = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split('\n').length - 1;

    const { code, output } = await run();

    expect({ code, tail: output.split('\n').slice(-40).join('\n') }).toEqual({ code: 0, tail: expect.stringContaining('summary') });
    expect(rows).toBe(38_964);
    expect(output).toMatch(new RegExp(`rows read +${rows}\\b`));
    expect(output).toMatch(new RegExp(`rows stored +${rows}\\b`));
    expect(output.split('\n').filter((line) => QUIET.test(line))).toEqual([]);
    expect(newServiceLogLines(sizes).filter((line) => QUIET.test(line))).toEqual([]);
  }, 15 * 60_000);
});
