import { TOPICS } from '@md/contracts';
import { exitCode, expectedDbbBars, finishSliceRun, freePort, mdctl, metricValue, prepareSliceRun, startService, stopService, waitCaughtUp, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';
import { DBB_EXCERPT_FILE, fixturePath } from '@md/fixtures';

// Integration: real Kafka, Apicurio and PostgreSQL (deploy/local/stack.sh); mdctl as the built
// binary (npm run build), the stages as processes on the run's own groups and schema.
const SAMPLE = fixturePath(DBB_EXCERPT_FILE);

describe('mdctl against the local stack (integration)', () => {
  const expected = expectedDbbBars(SAMPLE);
  let slice: SliceRun;
  let preprocessor: RunningService;
  let writer: RunningService;
  let replayStart: string;
  const group = () => slice.preprocessorEnv.GROUP_ID;

  /**
   * md5 over every stored row of the run's symbol, all columns (stored_at included), in every table
   * with a symbol that holds any. Not quality_issues: on the shared stack another test's quality
   * monitor (own group, all symbols) may judge this run's re-read bars while this test runs.
   */
  async function checksum(): Promise<{ rows: number; md5: string }> {
    const { rows: tables } = await slice.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'symbol' ORDER BY table_name`, [slice.schema]);
    const parts: string[] = [];
    let count = 0;
    for (const { table_name: table } of tables) {
      const { rows: [r] } = await slice.db.query<{ n: string; md5: string | null }>(
        `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5 FROM ${slice.schema}."${table}" t WHERE symbol = $1`, [slice.run]);
      if (table !== 'quality_issues' && Number(r.n) > 0) parts.push(`${table}:${r.n}:${r.md5}`);
      if (table === 'bars') count = Number(r.n);
    }
    return { rows: count, md5: parts.join(',') };
  }

  /**
   * After a restart: the preprocessor has committed past the last record of md.raw.bars.v1
   * (transaction markers occupy offsets too: waitCaughtUp reads where the records end) and the
   * writer consumed all it passed on.
   */
  async function waitRereadStored(writerInBefore: number): Promise<void> {
    await waitCaughtUp(slice.kafka, group(), [TOPICS.rawBars], 60_000);
    await waitFor('the writer to consume what the restarted preprocessor passed on', async () => {
      const passed = await metricValue(preprocessor.port, 'md_records_out_total', { topic: TOPICS.bars });
      return (await metricValue(writer.port, 'md_records_in_total', { topic: TOPICS.bars })) - writerInBefore >= passed;
    }, 60_000, 250);
  }

  beforeAll(async () => {
    slice = await prepareSliceRun('R');
    preprocessor = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor`);
    writer = await startService('timescale-writer', slice.writerEnv, `test-${slice.run}-writer`);
    await Promise.all([waitReady(preprocessor), waitReady(writer)]);
    // Record times are Kafka CreateTime (when the gateway published), so "from just before the
    // replay" re-reads exactly this run's bars (and whatever others published meanwhile).
    replayStart = new Date(Date.now() - 1000).toISOString();
    const gateway = await startService('feed-gateway', { REPLAY_FILE: SAMPLE, REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }, `test-${slice.run}-gateway`);
    expect(await exitCode(gateway)).toBe(0);
    await waitFor('the sample to be stored', async () => (await checksum()).rows === expected.size, 60_000, 250);
  });

  afterAll(async () => {
    await Promise.all([preprocessor, writer].filter(Boolean).map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('refuses to rewind while the stage runs, exit 1, saying which group and what to do', async () => {
    const result = await mdctl(['rewind', '--stage', 'preprocessor', '--group', group(), '--from', replayStart]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^mdctl: consumer group ${group()} is active \\(Stable, 1 member\\(s\\): .*\\): stop or scale the stage to 0`));
  });

  it('rewinding the preprocessor to a time, twice, leaves the database exactly as one run does (re-reading is idempotent)', async () => {
    const stored = await checksum();
    expect(stored.rows).toBe(expected.size);
    const after: string[] = [];
    for (const round of [1, 2]) {
      expect(await stopService(preprocessor)).toBe(0);
      const result = await mdctl(['rewind', '--stage', 'preprocessor', '--group', group(), '--from', replayStart]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`committed the offsets of ${group()} on ${TOPICS.rawBars}, ${TOPICS.corporateActions}`);
      // The plan rewound the group over at least the run's replay (others may publish meanwhile).
      const rewound = result.stdout.split('\n').map((line) => line.trim().split(/\s+/))
        .filter((c) => c[1] === TOPICS.rawBars).reduce((sum, c) => sum + (Number(c[3]) - Number(c[4])), 0);
      expect(rewound).toBeGreaterThanOrEqual(expected.size);
      const writerInBefore = await metricValue(writer.port, 'md_records_in_total', { topic: TOPICS.bars });
      preprocessor = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor-${round}`);
      await waitReady(preprocessor);
      await waitRereadStored(writerInBefore);
      // It really re-read the run's bars: each one again, as a duplicate it still remembers or a
      // late repeat passed on to the writer, whose revision rule leaves the row as it was. (Bars
      // other tests publish meanwhile are 'new' to it: the metrics are not per symbol.)
      const decided = async (d: string) => metricValue(preprocessor.port, 'md_preprocessor_bar_decisions_total', { decision: d });
      expect((await decided('duplicate')) + (await decided('late'))).toBeGreaterThanOrEqual(expected.size);
      expect(await decided('late')).toBeGreaterThan(0);
      after.push((await checksum()).md5);
    }
    expect(after).toEqual([stored.md5, stored.md5]);
  });

  it('shows the group caught up in `mdctl lag` and exits 1 naming a missing broker', async () => {
    const lag = await mdctl(['lag', '--group', group(), '--json']);
    expect(lag.code).toBe(0);
    const rows = JSON.parse(lag.stdout) as Array<{ topic: string; partition: number; lag: string | null }>;
    expect(rows.filter((r) => r.topic === TOPICS.rawBars)).toHaveLength(6);
    const missing = await mdctl(['--brokers', '127.0.0.1:1', 'lag']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^mdctl: cannot reach the Kafka broker at 127\.0\.0\.1:1 \(.*ECONNREFUSED.*\): start the local stack with `mdctl stack up`/);
  });

  it("prints the writer's quality report for a window as JSON, and names an unreachable writer", async () => {
    const report = await mdctl(['--writer-url', `http://127.0.0.1:${writer.port}`, 'quality', 'report', '--from', '2023-07-10', '--to', '2023-07-20', '--symbols', slice.run, '--format', 'json']);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({ from: '2023-07-10T00:00:00.000Z', to: '2023-07-20T00:00:00.000Z' });
    const closed = await freePort(); // nothing listens there once freePort returns
    const down = await mdctl(['--writer-url', `http://127.0.0.1:${closed}`, 'quality', 'report', '--from', '2023-07-10', '--to', '2023-07-20']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^mdctl: cannot reach the timescale-writer read API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): start it/);
  });
});
