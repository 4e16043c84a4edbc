import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@md/contracts';
import { GENERATED_COLUMNS, exitCode, finishSliceRun, generateBars, httpJson, metricValue, prepareSliceRun, startPostgres, startService, stopPostgres, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Integration: PostgreSQL (the machine's server) is stopped for 30 seconds while the writer
// drains a replay. The writer must neither crash nor lose a row.
const TOTAL = 60_000;
const OUTAGE_MS = 30_000;

describe('PostgreSQL outage during a replay (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('O');
  });

  afterAll(async () => {
    startPostgres();
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('pauses, retries, and stores every row once the database is back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'md-outage-')), 'bars.csv');
    await generateBars(fixturePath(DBB_MINUTE_FILE), TOTAL, file, slice.run.slice(0, 8));
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor`);
    const writer = await startService('timescale-writer', { ...slice.writerEnv, MAX_BATCH_RECORDS: '500', RETRY_MAX_MS: '2000' }, `test-${slice.run}-writer`);
    services.push(prep, writer);
    await Promise.all([waitReady(prep), waitReady(writer)]);
    let writerExit: number | null | undefined;
    void writer.exited.then((code) => (writerExit = code));

    const gateway = await startService('feed-gateway', {
      REPLAY_FILE: file, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true', REPLAY_COLUMNS: JSON.stringify(GENERATED_COLUMNS),
    }, `test-${slice.run}-gateway`);
    await waitFor('the first stored rows', async () => (await metricValue(writer.port, 'md_records_out_total')) > 0, 60_000, 20);

    stopPostgres();
    const outageStarted = Date.now();
    try {
      await waitFor('the writer to retry', async () => (await metricValue(writer.port, 'md_retries_total')) > 0, OUTAGE_MS, 200);
      const ready = await httpJson(writer.port, '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toBe(false);
      // The outage lasts its full length on purpose; the writer must ride it out.
      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
      expect(writerExit).toBeUndefined();
    } finally {
      startPostgres();
    }

    expect(await exitCode(gateway, 120_000)).toBe(0);
    await waitFor('every row stored', async () => {
      const { rows } = await slice.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${slice.schema}.bars`);
      return rows[0].n >= TOTAL;
    }, 180_000, 500);
    const { rows } = await slice.db.query<{ n: number; volume: string }>(`SELECT count(*)::int AS n, sum(volume)::text AS volume FROM ${slice.schema}.bars`);
    expect(rows[0].n).toBe(TOTAL);
    const fileVolume = readFileSync(file, 'utf8').trim().split('\n').slice(1).reduce((sum, line) => sum + BigInt(line.split(',')[6]), 0n);
    expect(rows[0].volume).toBe(fileVolume.toString());
    expect(writerExit).toBeUndefined();
    expect(await metricValue(writer.port, 'md_records_in_total', { topic: TOPICS.bars })).toBeGreaterThanOrEqual(TOTAL);
  });
});
