import { TOPICS } from '@md/contracts';
import { exitCode, expectedDbbBars, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, finishSliceRun, type RunningService, type SliceRun } from '@md/testing';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Integration: a SIGKILL of the writer mid-stream must neither lose nor double a row.
const checksumSql = (schema: string) => `
  SELECT count(*)::int AS rows,
         md5(string_agg(concat_ws(',', time, open, high, low, close, volume), ';' ORDER BY time)) AS digest
  FROM ${schema}.bars WHERE symbol = $1 AND timeframe = '1m'`;

describe('writer killed with SIGKILL mid-replay (integration)', () => {
  const expected = expectedDbbBars();
  let slice: SliceRun;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('K');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('ends with exactly the rows of an uninterrupted run', async () => {
    const { run, db } = slice;
    // Everything is on md.bars.v1 before the writer starts, so the kill lands while it drains.
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${run}-preprocessor`);
    services.push(prep);
    await waitReady(prep);
    const gateway = await startService('feed-gateway', {
      REPLAY_FILE: fixturePath(DBB_MINUTE_FILE), REPLAY_SYMBOL: run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true',
    }, `test-${run}-gateway`);
    expect(await exitCode(gateway)).toBe(0);
    await waitFor('the preprocessor to clean the whole replay', async () =>
      (await metricValue(prep.port, 'md_records_out_total', { topic: TOPICS.bars })) >= expected.size, 120_000, 250);

    const writerEnv = { ...slice.writerEnv, MAX_BATCH_RECORDS: '250' };
    const first = await startService('timescale-writer', writerEnv, `test-${run}-writer-1`);
    services.push(first);
    const rowsAtKill = await waitFor('the first rows to be stored', async () => {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${slice.schema}.bars WHERE symbol = $1`, [run]);
      return rows[0].n > 0 ? rows[0].n : 0;
    }, 90_000, 20);
    first.process.kill('SIGKILL');
    await first.exited;
    expect(rowsAtKill).toBeLessThan(expected.size);

    const second = await startService('timescale-writer', writerEnv, `test-${run}-writer-2`);
    services.push(second);
    await waitFor('all rows after the restart', async () => {
      const { rows } = await db.query<{ rows: number }>(checksumSql(slice.schema), [run]);
      return rows[0].rows >= expected.size;
    }, 120_000, 250);

    const { rows } = await db.query<{ rows: number; digest: string }>(checksumSql(slice.schema), [run]);
    const { rows: reference } = await db.query<{ digest: string }>(
      `SELECT md5(string_agg(concat_ws(',', time, open, high, low, close, volume), ';' ORDER BY time)) AS digest
       FROM (SELECT (e->>'time')::timestamptz AS time, (e->>'open')::numeric(20,8) AS open, (e->>'high')::numeric(20,8) AS high,
                    (e->>'low')::numeric(20,8) AS low, (e->>'close')::numeric(20,8) AS close, (e->>'volume')::bigint AS volume
             FROM jsonb_array_elements($1::jsonb) e) x`, [JSON.stringify([...expected.values()])]);
    expect(rows[0].rows).toBe(expected.size);
    expect(rows[0].digest).toBe(reference[0].digest);
  });
});
