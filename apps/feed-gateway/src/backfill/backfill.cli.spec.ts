import { PassThrough } from 'node:stream';
import { AlpacaRestSimulator } from '@md/simulators';
import { MemoryCheckpointedSink, MemorySink } from '@md/ingest';
import type { BackfillPosition } from './backfill';
import { runBackfillCli, runBackfillCommand, type BackfillCliOptions } from './backfill.cli';

const KEYS = { keyId: 'AKCLI', secretKey: 'cli-secret-value' };

describe('backfill CLI', () => {
  let sim: AlpacaRestSimulator;
  /** Checkpointed sinks by job key: what the checkpoint topic holds between runs. */
  let jobs: Map<string, MemoryCheckpointedSink<BackfillPosition>>;
  const openJob = (async ({ key }: { key: string }) => {
    const sink = jobs.get(key)?.restart() ?? new MemoryCheckpointedSink<BackfillPosition>();
    jobs.set(key, sink);
    return sink;
  }) as unknown as BackfillCliOptions['openJob'];
  let output: PassThrough;
  const printed = () => String(output.read() ?? '');
  const env = () => ({ ALPACA_KEY_ID: KEYS.keyId, ALPACA_SECRET_KEY: KEYS.secretKey, ALPACA_DATA_URL: sim.url });
  const args = (from = '2023-07-10', to = '2023-07-15') =>
    ['backfill', '--provider', 'alpaca', '--symbols', 'dbb', '--from', from, '--to', to, '--feed', 'iex'];

  beforeEach(async () => {
    sim = await AlpacaRestSimulator.start(KEYS);
    jobs = new Map();
    output = new PassThrough();
  });
  afterEach(() => sim.stop());

  it('backfills a week from the environment, then resumes it from the checkpoint', async () => {
    const first = await runBackfillCli(args(), new MemorySink(), { env: env(), output, openJob });
    expect(first).toMatchObject({ windowsTotal: 5, windowsDone: 5, requests: 5, rateLimited: 0, aborted: false });
    const sink = jobs.get('backfill|alpaca|iex|1m|DBB')!;
    expect(sink.bars().length).toBe(first.bars);
    expect(printed()).toMatch(/backfill DBB 2023-07-10\.\.2023-07-15 \(iex\): done, 5\/5 days \(0 from the checkpoint\), \d+ bars, 0 rejected, 5 requests, 0 x 429/);
    expect(sink.positions.at(-1)!.completed).toEqual(['2023-07-10', '2023-07-11', '2023-07-12', '2023-07-13', '2023-07-14']);

    const second = await runBackfillCli(args('2023-07-10', '2023-07-18'), new MemorySink(), { env: env(), output, openJob });
    expect(second).toMatchObject({ windowsTotal: 6, windowsResumed: 5, requests: 1 });
  });

  it('runs bars as the default command and as `bars`, as before the other commands existed', async () => {
    const viaDefault = await runBackfillCommand(args('2023-07-10', '2023-07-11'), new MemorySink(), { env: env(), output, openJob });
    expect(viaDefault).toMatchObject({ windowsDone: 1, aborted: false });
    const explicit = await runBackfillCommand(['backfill', 'bars', ...args('2023-07-10', '2023-07-12').slice(1)], new MemorySink(), { env: env(), output, openJob });
    expect(explicit).toMatchObject({ windowsDone: 2, windowsResumed: 1 });
  });

  it('names a missing variable without printing the secret', async () => {
    const run = runBackfillCli(args(), new MemorySink(), { env: { ...env(), ALPACA_KEY_ID: undefined }, output });
    await expect(run).rejects.toThrow('config: ALPACA_KEY_ID is invalid (unset): Required');
  });

  it('refuses a bad option in one line', async () => {
    await expect(runBackfillCli([...args(), '--feed', 'nasdaq'], new MemorySink(), { env: env(), output })).rejects.toThrow(
      /^backfill: option '--feed <feed>' argument 'nasdaq' is invalid\. Allowed choices are iex, sip, otc, boats\.$/,
    );
    await expect(runBackfillCli(['--provider', 'alpaca'], new MemorySink(), { env: env(), output })).rejects.toThrow(/required option '--symbols <list>' not specified/);
  });

  it('fails a wrong secret with a message that does not contain it', async () => {
    const error = (await runBackfillCli(args(), new MemorySink(), { env: { ...env(), ALPACA_SECRET_KEY: 'wrong-cli-secret' }, output }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/Alpaca answered 401/);
    expect(error.message).not.toContain('wrong-cli-secret');
  });
});
