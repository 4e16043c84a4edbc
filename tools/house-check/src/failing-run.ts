import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The last step of `npm test` (issue 11): a run with failing tests must end and report, never
// hang on a server, socket, timer or client a failed test left open. It runs the whole suite
// again with the fixtures folder pointed at an empty one, so every test that reads real data fails
// (in beforeAll and describe bodies too), and requires jest to exit with failures reported within
// a deadline. Jest runs in band on 2 cores, so one leaked handle would keep it alive forever.
const DEADLINE_MS = 10 * 60_000;
const root = join(__dirname, '..', '..', '..', '..');
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');

function main(): void {
  const started = Date.now();
  const empty = mkdtempSync(join(tmpdir(), 'md-no-fixtures-'));
  const child = spawn(process.execPath, [jest, '--ci'], { cwd: root, env: { ...process.env, MD_FIXTURES_DIR: empty }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-200_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const timer = setTimeout(() => {
    process.kill(-child.pid!, 'SIGKILL');
    fail(`a run with failing tests did not end within ${DEADLINE_MS / 1000} s (a handle left open?); its last lines:`);
  }, DEADLINE_MS);
  child.once('close', (code) => {
    clearTimeout(timer);
    const tests = /Tests:\s+(\d+) failed, (?:\d+ skipped, )?(\d+) passed/.exec(output);
    if (code === 0 || !tests) fail(`expected the run without fixtures to fail and report failing tests (exit ${code}); its last lines:`);
    process.stdout.write(`failing run: ${tests![1]} failing and ${tests![2]} passing tests reported, jest exited ${code} after ${Math.round((Date.now() - started) / 1000)} s (no handle left open)\n`);
  });

  function fail(why: string): never {
    process.stderr.write(`failing run: ${why}\n${output.split('\n').slice(-40).join('\n')}\n`);
    process.exit(1);
  }
}

main();
