import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type DeadLetterRecord } from '@md/contracts';
import { SchemaCodec, endOffsets, readTopicRange } from '@md/kafka';
import { exitCode, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, finishSliceRun, type RunningService, type SliceRun } from '@md/testing';

// Integration: malformed rows reach md.dlq.v1 with their reasons; the rest flows on.

describe('malformed rows are dead-lettered with reasons (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];
  const csv = [
    'timestamp,open,high,low,close,volume',
    '2024-03-04 14:30:00,17.90,17.95,17.88,17.93,1200',
    '2024-03-04 14:31:00,17.93,17.80,17.90,17.85,900', // high below low
    '2024-03-04 14:32:00,17.93,17.96,17.92,17.95,-40', // negative volume
    '2024-03-04 14:33:00,17.95,abc,17.94,17.96,300', // non-numeric price
    'not-a-time,17.96,17.97,17.95,17.96,100', // unparseable timestamp
    '2024-03-04 14:35:00,17.96,17.99,17.96,17.98,2500',
  ].join('\n');

  beforeAll(async () => {
    slice = await prepareSliceRun('D');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('sends each bad row to md.dlq.v1 with what is wrong and stores the good ones', async () => {
    const { run, kafka, db } = slice;
    const dlqStart = await endOffsets(kafka, TOPICS.deadLetter);
    const file = join(mkdtempSync(join(tmpdir(), 'md-dlq-')), 'bars.csv');
    writeFileSync(file, `${csv}\n`);
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${run}-preprocessor`);
    const writer = await startService('timescale-writer', slice.writerEnv, `test-${run}-writer`);
    services.push(prep, writer);
    await Promise.all([waitReady(prep), waitReady(writer)]);
    const gateway = await startService('feed-gateway', { REPLAY_FILE: file, REPLAY_SYMBOL: run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }, `test-${run}-gateway`);
    expect(await exitCode(gateway)).toBe(0);
    await waitFor('the writer to store the two good rows', async () => (await metricValue(writer.port, 'md_records_out_total')) >= 2, 60_000, 200);

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const letters: DeadLetterRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.deadLetter, dlqStart)) letters.push(await codec.decode<DeadLetterRecord>(TOPICS.deadLetter, m.value));
    const ours = letters.filter((d) => d.sourceLocation?.startsWith(file) || d.key?.toString() === run);
    const reasons = ours.map((d) => `${d.stage}: ${d.reason}`).sort();
    expect(reasons).toEqual([
      expect.stringMatching(/^feed-gateway: high: not a decimal number: "abc"/),
      expect.stringMatching(/^feed-gateway: unparseable timestamp "not-a-time"/),
      expect.stringMatching(/^preprocessor: .*high 17\.80000000 is below low 17\.90000000/),
      expect.stringMatching(/^preprocessor: .*volume -40 is not a whole number >= 0/),
    ]);
    const fromFile = ours.find((d) => d.stage === 'feed-gateway' && d.reason.includes('abc'))!;
    expect(fromFile.payload.toString()).toBe('2024-03-04 14:33:00,17.95,abc,17.94,17.96,300');
    expect(fromFile.sourceLocation).toBe(`${file}:5`);
    const fromTopic = ours.find((d) => d.stage === 'preprocessor')!;
    expect(fromTopic).toMatchObject({ sourceTopic: TOPICS.rawBars, errorType: 'InvalidRecordError' });
    expect(fromTopic.sourceOffset).not.toBeNull();

    const { rows } = await db.query<{ close: string }>(`SELECT close FROM ${slice.schema}.bars WHERE symbol = $1 ORDER BY time`, [run]);
    expect(rows.map((r) => r.close)).toEqual(['17.93000000', '17.98000000']);
  });
});
