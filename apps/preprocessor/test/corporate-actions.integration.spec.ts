import { LOCAL_STACK } from '@md/config';
import { type CleanBar, type CorporateActionRecord, type QualityIssueRecord, type RestatementRecord, TOPICS } from '@md/contracts';
import { newYorkMidnightUs, nowMicros } from '@md/market';
import { SchemaCodec, createIdempotentProducer, endOffsets, readTopicRange } from '@md/kafka';
import { exitCode, leanAaplMinuteCsv, finishSliceRun, httpJson, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';

// Integration on real LEAN minute bars of AAPL around its 7-for-1 split of 2014-06-09: bars of
// 06-05 and 06-06 flow first, then the split arrives on md.corporate-actions.v1, then 06-09.
// The preprocessor restates the earlier history, the writer's adjusted series is continuous
// across the split, and the quality-monitor raises no price outlier for it.

describe('corporate actions: the AAPL 7:1 split of 2014-06-09 (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('C');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('restates history once, keeps raw prices, and gives a continuous adjusted series with no outlier', async () => {
    const { run: symbol, kafka } = slice;
    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const [restatementsStart, barsStart, issuesStart] = await Promise.all([TOPICS.restatements, TOPICS.bars, TOPICS.qualityIssues].map((t) => endOffsets(kafka, t)));
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${symbol}-preprocessor`);
    const monitor = await startService('quality-monitor', slice.qualityEnv, `test-${symbol}-quality`);
    const writer = await startService('timescale-writer', slice.writerEnv, `test-${symbol}-writer`);
    services.push(prep, monitor, writer);
    await Promise.all(services.map((s) => waitReady(s)));
    const replay = async (file: string) => {
      const gateway = await startService('feed-gateway', { REPLAY_FILE: file, REPLAY_SYMBOL: symbol, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }, `test-${symbol}-gateway`);
      expect(await exitCode(gateway)).toBe(0);
    };
    const storedBars = () => metricValue(writer.port, 'md_records_in_total', { topic: TOPICS.bars });

    const early = await leanAaplMinuteCsv(['20140605', '20140606']);
    await replay(early.file);
    await waitFor('the writer to store 06-05 and 06-06', async () => (await storedBars()) >= early.bars, 60_000, 200);

    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const split: CorporateActionRecord = {
      symbol, exDate: '2014-06-09', kind: 'SPLIT', ratioTo: 7, ratioFrom: 1, amount: null, referencePrice: null, provider: 'test', revision: 0, ingestTime: nowMicros(),
    };
    const send = async () => producer.send({ topic: TOPICS.corporateActions, messages: [{ key: symbol, value: await codec.encode(TOPICS.corporateActions, split) }] });
    await send();
    await send(); // a replayed action changes nothing
    await producer.disconnect();
    await waitFor('the preprocessor to read both actions', async () => (await metricValue(prep.port, 'md_records_in_total', { topic: TOPICS.corporateActions })) >= 2, 60_000, 200);
    const late = await leanAaplMinuteCsv(['20140609']);
    await replay(late.file);
    await waitFor('the writer to store 06-09 and the schedule', async () => {
      const { rows } = await slice.db.query(`SELECT 1 FROM ${slice.schema}.adjustment_segments WHERE symbol = $1`, [symbol]);
      return rows.length > 0 && (await storedBars()) >= early.bars + late.bars
        && (await metricValue(monitor.port, 'md_records_in_total', { topic: TOPICS.bars })) >= early.bars + late.bars;
    }, 60_000, 200);

    const restatements: RestatementRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.restatements, restatementsStart)) if (m.key?.toString() === symbol) restatements.push(await codec.decode<RestatementRecord>(TOPICS.restatements, m.value));
    expect(restatements).toHaveLength(1);
    expect(restatements[0]).toMatchObject({ changedFrom: null, changedTo: newYorkMidnightUs('2014-06-09') });
    expect(restatements[0].segments[0].splitFactor).toBeCloseTo(1 / 7, 15);
    expect(restatements[0].segments[restatements[0].segments.length - 1]).toMatchObject({ toTime: null, splitFactor: 1, dividendFactor: 1 });

    // Raw prices travel unchanged; bars after the ex-date carry factor 1.
    const bars: CleanBar[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.bars, barsStart)) if (m.key?.toString() === symbol) bars.push(await codec.decode<CleanBar>(TOPICS.bars, m.value));
    const after = bars.filter((b) => b.eventTime >= newYorkMidnightUs('2014-06-09'));
    expect(after.length).toBeGreaterThan(300);
    expect(after.every((b) => b.splitFactor === 1)).toBe(true);

    const query = (adjusted: boolean) => httpJson(writer.port, `/v1/bars?symbol=${symbol}&from=2014-06-06T19:59:00Z&to=2014-06-09T13:31:00Z&limit=1000&adjusted=${adjusted}`);
    const [raw, adjusted] = [(await query(false)).body.bars, (await query(true)).body.bars];
    const lastBefore = (rows: any[]) => rows.find((r: any) => r.time === '2014-06-06T19:59:00.000Z');
    const open0930 = (rows: any[]) => rows.find((r: any) => r.time === '2014-06-09T13:30:00.000Z');
    const jump = (rows: any[]) => Math.abs(Number(open0930(rows).open) / Number(lastBefore(rows).close) - 1);
    expect(jump(raw)).toBeGreaterThan(0.8);
    expect(jump(adjusted)).toBeLessThan(0.02);
    expect(Number(lastBefore(adjusted).volume)).toBe(Number(lastBefore(raw).volume) * 7);

    const outliers: QualityIssueRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.qualityIssues, issuesStart)) {
      const issue = await codec.decode<QualityIssueRecord>(TOPICS.qualityIssues, m.value);
      if (m.key?.toString() === symbol && issue.type === 'price_outlier') outliers.push(issue);
    }
    expect(outliers).toEqual([]);
  });
});
