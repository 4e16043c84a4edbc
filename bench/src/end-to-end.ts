import { TOPICS } from '@md/contracts';
import { GENERATED_COLUMNS, finishSliceRun, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady } from '@md/testing';

/**
 * The slice as users run it: gateway replays the CSV, preprocessor cleans in transactions, the
 * writer upserts into PostgreSQL. Clock runs from the gateway's start to the last row stored.
 */
export async function endToEndRate(file: string, count: number, databaseUrl: string): Promise<number> {
  const slice = await prepareSliceRun('BENCH');
  const run = slice.run;
  const prep = await startService('preprocessor', slice.preprocessorEnv, `${run}-preprocessor`);
  const writer = await startService('timescale-writer', { ...slice.writerEnv, DATABASE_URL: databaseUrl }, `${run}-writer`);
  await Promise.all([waitReady(prep), waitReady(writer)]);
  const started = process.hrtime.bigint();
  const gateway = await startService('feed-gateway', {
    REPLAY_FILE: file, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true',
    REPLAY_COLUMNS: JSON.stringify(GENERATED_COLUMNS),
  }, `${run}-gateway`);
  await waitFor('the writer to store every bar', async () =>
    (await metricValue(writer.port, 'md_records_in_total', { topic: TOPICS.bars })) >= count, 60 * 60_000, 500);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all([gateway, prep, writer].map((s) => stopService(s)));
  await finishSliceRun(slice);
  return count / seconds;
}
