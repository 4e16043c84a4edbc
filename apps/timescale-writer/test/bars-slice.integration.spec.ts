import { TOPICS } from '@md/contracts';
import { exitCode, expectedDbbBars, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, finishSliceRun, type RunningService, type SliceRun } from '@md/testing';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Integration: real Kafka, Apicurio and PostgreSQL (deploy/local/stack.sh), services as processes.
describe('bars slice: file -> gateway -> preprocessor -> writer -> PostgreSQL (integration)', () => {
  const expected = expectedDbbBars();
  let slice: SliceRun;
  let preprocessor: RunningService;
  let writer: RunningService;

  const replay = async (label: string) => {
    const gateway = await startService('feed-gateway', {
      REPLAY_FILE: fixturePath(DBB_MINUTE_FILE), REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true',
    }, `test-${slice.run}-gateway-${label}`);
    expect(await exitCode(gateway)).toBe(0);
  };

  beforeAll(async () => {
    slice = await prepareSliceRun('S');
    preprocessor = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor`);
    writer = await startService('timescale-writer', slice.writerEnv, `test-${slice.run}-writer`);
    await Promise.all([waitReady(preprocessor), waitReady(writer)]);
  });

  afterAll(async () => {
    await Promise.all([preprocessor, writer].filter(Boolean).map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('stores each distinct minute of the DBB file exactly once, equal to the file, after replaying it twice', async () => {
    await replay('first');
    await replay('second');
    // The preprocessor reads both replays; repeats it still remembers (the newest session's
    // minutes) are dropped as duplicates, older ones pass on as late and the sink's revision
    // rule absorbs them. The writer is done when it has consumed all the preprocessor passed on.
    await waitFor('the preprocessor to read both replays and the writer to consume what it passed on', async () => {
      const read = await metricValue(preprocessor.port, 'md_records_in_total', { topic: TOPICS.rawBars });
      const passed = await metricValue(preprocessor.port, 'md_records_out_total', { topic: TOPICS.bars });
      return read >= 2 * expected.size && (await metricValue(writer.port, 'md_records_in_total', { topic: TOPICS.bars })) >= passed;
    }, 120_000, 250);
    const decided = (decision: string) => metricValue(preprocessor.port, 'md_preprocessor_bar_decisions_total', { decision });
    expect(await decided('new')).toBe(expected.size);
    expect(await decided('duplicate')).toBeGreaterThan(0);
    expect((await decided('duplicate')) + (await decided('late'))).toBe(expected.size);

    const { rows } = await slice.db.query<{ time: Date; open: string; high: string; low: string; close: string; volume: string; session: string }>(
      `SELECT time, open, high, low, close, volume, session FROM ${slice.schema}.bars WHERE symbol = $1 AND timeframe = $2 ORDER BY time`, [slice.run, '1m']);
    expect(rows.length).toBe(expected.size);
    const mismatches = rows.filter((r) => {
      const e = expected.get(r.time.toISOString());
      return !e || e.open !== r.open || e.high !== r.high || e.low !== r.low || e.close !== r.close || e.volume !== r.volume;
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
    // The first DBB minute, 2023-07-10 13:30 UTC, is the 09:30 New York open.
    expect(rows[0]).toMatchObject({ open: '17.90000000', session: 'REGULAR' });
  });

  it('reports records in, out, rejected and batch latency on every slice service', async () => {
    expect(await metricValue(preprocessor.port, 'md_records_in_total')).toBeGreaterThanOrEqual(2 * expected.size);
    for (const service of [preprocessor, writer]) {
      expect(await metricValue(service.port, 'md_records_out_total')).toBeGreaterThanOrEqual(expected.size);
      expect(await metricValue(service.port, 'md_batch_duration_seconds_count')).toBeGreaterThan(0);
    }
    const text = await fetch(`http://127.0.0.1:${writer.port}/metrics`).then((r) => r.text());
    expect(text).toContain('# TYPE md_records_rejected_total counter');
  });

  it('drains on SIGTERM and exits 0', async () => {
    expect(await stopService(preprocessor)).toBe(0);
    expect(await stopService(writer)).toBe(0);
  });
});
