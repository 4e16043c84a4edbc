import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { DBB_EXCERPT_FILE, fixturePath } from '@md/fixtures';
import {
  exitCode, expectedDbbBars, finishSliceRun, prepareSliceRun, repoRoot, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun,
} from '@md/testing';

// Integration: the example services of examples/ as a downstream team gets them. The client is
// packed (`npm pack`, its prepack builds dist/ with type declarations), each example is copied
// outside the repository (so nothing of the workspace resolves: only the tarball and the
// registry's packages), installed, built with tsc and tested with `node --test` against the
// stack. node-tail reads stored bars, so a replay of the DBB excerpt runs first.
describe('the examples against the packed client (integration)', () => {
  let work: string;
  let tarball: string;

  /** The child's output, last part only: enough to see why a step failed. */
  interface Step {
    step: string;
    code: number | null;
    output: string;
  }

  /**
   * Runs npm with a deadline (the child is killed past it). The npm_* variables of the jest run
   * (npx sets npm_config_local_prefix, npm_package_json, ...) are left out: they would point the
   * child's npm at this workspace instead of the temp folder. Where the registry and the cache
   * are stays as configured.
   */
  const npm = (args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Step> => {
    const kept = (name: string) => !/^npm_/i.test(name) || /^npm_config_(registry|cache|userconfig)$/i.test(name);
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => kept(name)));
    const child = spawn('npm', args, { cwd, env: { ...inherited, NO_COLOR: '1', ...env }, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    return new Promise((resolve) => {
      child.once('error', (err) => resolve({ step: `npm ${args.join(' ')}`, code: null, output: `${output}\n${err.message}` }));
      child.once('close', (code) => resolve({ step: `npm ${args.join(' ')} (${basename(cwd)})`, code, output }));
    });
  };

  /** A step that must exit 0; a failure names the step and shows the end of its output. */
  const succeed = async (step: Promise<Step>): Promise<Step> => {
    const done = await step;
    if (done.code !== 0) throw new Error(`${done.step} exited with ${done.code}:\n${done.output}`);
    return done;
  };

  /** The example copied outside the repository, installed from the tarball and the registry, built. */
  const prepare = async (name: string): Promise<string> => {
    const dir = join(work, name);
    cpSync(join(repoRoot(), 'examples', name), dir, { recursive: true, filter: (src) => !['node_modules', 'dist', 'package-lock.json'].includes(basename(src)) });
    // One install: the tarball replaces the package.json range of @md-platform/client (which is
    // on no public registry), the rest comes from the warm npm cache.
    await succeed(npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], dir));
    await succeed(npm(['run', 'build'], dir));
    return dir;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'md-examples-'));
    await succeed(npm(['pack', '--pack-destination', work], join(repoRoot(), 'libs/client')));
    const packed = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    expect(packed).toEqual(['md-platform-client-0.1.0.tgz']);
    tarball = join(work, packed[0]);
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const stackEnv = { MD_KAFKA_BROKERS: LOCAL_STACK.kafkaBrokers, MD_REGISTRY_URL: LOCAL_STACK.registryUrl };

  it('nest-signal: a Nest Kafka microservice turns feature vectors into md.signals.v1 signals that land in `signals` (its own test passes)', async () => {
    const slice = await prepareSliceRun('G');
    const writer = await startService('timescale-writer', slice.writerEnv, `test-${slice.run}-writer`);
    try {
      await waitReady(writer);
      const dir = await prepare('nest-signal');
      const symbol = `EX${slice.run}`;
      const test = await succeed(npm(['test'], dir, { ...stackEnv, SIGNAL_TEST_SYMBOL: symbol }));
      // Both of its test files ran and passed (the rule's unit tests and the service's integration test).
      expect(test.output).toMatch(/(#|ℹ) pass 4\b/);
      expect(test.output).toMatch(/(#|ℹ) fail 0\b/);
      // Five signals, four identities: the reprocessed minute-1 vector's signal replaced the first.
      const rows = async () => (await slice.db.query<{ t: Date; direction: string; strength: number }>(
        `SELECT signal_time AS t, direction, strength FROM ${slice.schema}.signals WHERE symbol = $1 AND model = 'example-zscore' ORDER BY signal_time`, [symbol])
        .catch(() => ({ rows: [] }))).rows;
      await waitFor('the writer to store the example\'s signals', async () => (await rows()).length === 4 && (await rows())[1].direction === 'FLAT', 60_000, 250);
      expect((await rows()).map((r) => [r.direction, Math.round(r.strength * 1e9) / 1e9])).toEqual([['LONG', 3], ['FLAT', -0.5], ['FLAT', 0.5], ['LONG', 2]]);
    } finally {
      await stopService(writer);
      await finishSliceRun(slice);
    }
  }, 240_000);

  describe('node-tail, over a replay of the DBB excerpt', () => {
    const expected = expectedDbbBars(fixturePath(DBB_EXCERPT_FILE));
    let slice: SliceRun;
    const services: RunningService[] = [];

    beforeAll(async () => {
      slice = await prepareSliceRun('X');
    });

    afterAll(async () => {
      await Promise.all(services.map((s) => stopService(s)));
      await finishSliceRun(slice);
    });

    const stored = async () => {
      const { rows } = await slice.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${slice.schema}.bars WHERE symbol = $1 AND timeframe = '1m'`, [slice.run])
        .catch(() => ({ rows: [{ n: 0 }] }));
      return rows[0].n;
    };

    it('node-tail: history then live bars and subscribe from a Date (its own test passes)', async () => {
      // The install and build of the example overlap the replay (npm waits on the network and
      // the disk, the services on Kafka).
      const installed = prepare('node-tail');
      installed.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
      const preprocessor = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor`);
      const writer = await startService('timescale-writer', slice.writerEnv, `test-${slice.run}-writer`);
      services.push(preprocessor, writer);
      await Promise.all([waitReady(preprocessor), waitReady(writer)]);
      const gateway = await startService('feed-gateway', {
        REPLAY_FILE: fixturePath(DBB_EXCERPT_FILE), REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true',
      }, `test-${slice.run}-gateway`);
      expect(await exitCode(gateway)).toBe(0);
      await waitFor(`the writer to store the ${expected.size} excerpt bars`, async () => (await stored()) === expected.size, 120_000, 250);
      const dir = await installed;

      const test = await succeed(npm(['test'], dir, {
        ...stackEnv, MD_READ_API_URL: `http://127.0.0.1:${writer.port}`, MD_SYMBOL: slice.run, MD_EXPECTED_BARS: String(expected.size),
      }));
      expect(test.output).toMatch(/(#|ℹ) pass 2\b/);
      expect(test.output).toMatch(/(#|ℹ) fail 0\b/);
    }, 200_000);
  });
});
