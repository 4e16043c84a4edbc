import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@md/contracts';
import { GENERATED_COLUMNS, exitCode, finishSliceRun, generateBars, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Integration: five SIGKILLs of the writer at random points of a 200,000-bar replay end with
// exactly the rows of an uninterrupted run (a second writer group into a second schema).
const TOTAL = 200_000;
// Only this run's symbols: other suites publish bars on the shared md.bars.v1 meanwhile, and the
// writers' groups (positioned at the end when the run began) store theirs too.
const digestSql = (schema: string) => `
  SELECT count(*)::int AS rows,
         md5(string_agg(concat_ws(',', symbol, time, open, high, low, close, volume, revision), ';' ORDER BY symbol, time)) AS digest
  FROM ${schema}.bars WHERE symbol = ANY($1::text[])`;

describe('writer killed five times during a 200,000-bar replay (integration)', () => {
  let slice: SliceRun;
  let reference: SliceRun;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('F');
    reference = await prepareSliceRun('R');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s, 'SIGKILL')));
    await finishSliceRun(slice);
    await finishSliceRun(reference);
  });

  let symbols: string[] = [];
  const count = async (schema: string) => {
    const { rows } = await slice.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.bars WHERE symbol = ANY($1::text[])`, [symbols]);
    return rows[0].n;
  };

  it('ends with the same rows, count and checksum, as the uninterrupted run', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'md-kill5-')), 'bars.csv');
    symbols = await generateBars(fixturePath(DBB_MINUTE_FILE), TOTAL, file, slice.run.slice(0, 8));
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor`);
    services.push(prep);
    await waitReady(prep);
    const gateway = await startService('feed-gateway', {
      REPLAY_FILE: file, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true', REPLAY_COLUMNS: JSON.stringify(GENERATED_COLUMNS),
    }, `test-${slice.run}-gateway`);
    expect(await exitCode(gateway, 180_000)).toBe(0);
    await waitFor('the preprocessor to clean the whole replay', async () =>
      (await metricValue(prep.port, 'md_records_out_total', { topic: TOPICS.bars })) >= TOTAL, 180_000, 500);

    // The uninterrupted run: another group, another schema, same input.
    const steady = await startService('timescale-writer', reference.writerEnv, `test-${reference.run}-writer`);
    services.push(steady);

    const env = { ...slice.writerEnv, MAX_BATCH_RECORDS: '500' };
    const killedAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      // A random point inside the i-th fifth of what is left to store.
      const target = Math.floor(TOTAL * ((i + Math.random()) / 5.5));
      const writer = await startService('timescale-writer', env, `test-${slice.run}-writer-${i}`);
      services.push(writer);
      killedAt.push(await waitFor(`the writer to pass row ${target}`, async () => {
        const n = await count(slice.schema).catch(() => 0);
        return n >= target ? n : 0;
      }, 120_000, 10));
      writer.process.kill('SIGKILL');
      await writer.exited;
    }
    expect(killedAt.every((n) => n < TOTAL)).toBe(true);

    const last = await startService('timescale-writer', env, `test-${slice.run}-writer-final`);
    services.push(last);
    await waitFor('all rows in both schemas', async () => (await count(slice.schema)) >= TOTAL && (await count(reference.schema)) >= TOTAL, 180_000, 250);

    const [{ rows: killed }, { rows: clean }] = await Promise.all([
      slice.db.query<{ rows: number; digest: string }>(digestSql(slice.schema), [symbols]),
      slice.db.query<{ rows: number; digest: string }>(digestSql(reference.schema), [symbols]),
    ]);
    expect(killed[0].rows).toBe(TOTAL);
    expect(killed[0]).toEqual(clean[0]);
  });
});
