import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { LOCAL_STACK } from '@md/config';
import { TOPIC_TABLE, TOPICS, type CorporateActionRecord } from '@md/contracts';
import { SchemaCodec, createKafka, endOffsets, ensureTopics, readTopicRange } from '@md/kafka';
import { httpJson, registerTestSecrets, startService, stopService, uniqueId, waitFor, waitReady, type RunningService } from '@md/testing';
import { tradingDay } from '@md/market';
import { AlpacaRestSimulator, alpacaCorporateActionsRecording, type CanonicalCorporateAction } from '@md/simulators';

// Integration: the gateway's in-process scheduler runs the corporate-actions job every 4 s
// (SCHEDULE_CORPORATE_ACTIONS=every@4s) against the Alpaca REST simulator; the same window is
// fetched by every run, and md.corporate-actions.v1 holds each action once (the job's checkpoint
// lists what it published). /v1/jobs and /metrics show the runs. Needs the local stack and dist/.

const KEY = 'AKSCHEDULED12345678';
const SECRET = 'scheduled-secret-do-not-log-8c9d0e';

/**
 * The first NYSE trading day `days` from today (New York, as the job computes its window), stepping
 * away from today past closed days: an ex-date on a closed day is dead-lettered, not published.
 */
function day(days: number): string {
  const step = days < 0 ? -1 : 1;
  for (let d = DateTime.now().setZone('America/New_York').startOf('day').plus({ days }); ; d = d.plus({ days: step })) {
    if (tradingDay(d.toISODate()!).open) return d.toISODate()!;
  }
}

describe('scheduled corporate-actions job in the gateway, run twice, into Kafka (integration)', () => {
  const symbol = uniqueId('J');
  const inWindow: CanonicalCorporateAction[] = [
    { symbol, exDate: day(-4), kind: 'SPLIT', ratioTo: 4, ratioFrom: 1, amount: null },
    { symbol, exDate: day(-1), kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: '0.25' },
    { symbol, exDate: day(2), kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: '0.26' },
  ];
  // Outside the 7-day lookback: another run's, never published by this one.
  const old: CanonicalCorporateAction = { symbol, exDate: day(-40), kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: '0.24' };
  let sim: AlpacaRestSimulator;
  let gateway: RunningService | undefined;

  beforeAll(async () => {
    registerTestSecrets(KEY, SECRET); // the run's teardown scans every service log for them
    sim = await AlpacaRestSimulator.start({ keyId: KEY, secretKey: SECRET, includeDbb: false, includeOptionsFile: false, corporateActions: alpacaCorporateActionsRecording([old, ...inWindow]) });
  });

  afterAll(async () => {
    if (gateway) await stopService(gateway);
    await sim?.stop();
  });

  it('publishes each action in the window once over two runs, and reports both runs', async () => {
    const kafka = createKafka(`test-${symbol}`, [LOCAL_STACK.kafkaBrokers]);
    await ensureTopics(kafka, TOPIC_TABLE); // this file may be the first to run on a fresh broker
    const start = await endOffsets(kafka, TOPICS.corporateActions);
    gateway = await startService('feed-gateway', {
      SCHEDULE_CORPORATE_ACTIONS: 'every@4s', CORPORATE_ACTIONS_SYMBOLS: symbol, CORPORATE_ACTIONS_LOOKBACK_DAYS: '7', CORPORATE_ACTIONS_LOOKAHEAD_DAYS: '7',
      ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_DATA_URL: sim.url,
    }, `test-${symbol}-gateway`);
    await waitReady(gateway);
    const job = async () => (await httpJson(gateway!.port, '/v1/jobs')).body.jobs.find((j: { name: string }) => j.name === 'corporate-actions');
    expect(await job()).toMatchObject({ schedule: 'every@4s', nextRunAt: expect.any(String) });
    await waitFor('two successful runs', async () => (await job()).runs.success >= 2, 60_000, 200);

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const published: CorporateActionRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.corporateActions, start)) {
      if (m.key?.toString() === symbol) published.push(await codec.decode<CorporateActionRecord>(TOPICS.corporateActions, m.value));
    }
    const fields = (a: CanonicalCorporateAction) => `${a.exDate} ${a.kind} ${a.ratioTo}:${a.ratioFrom} ${a.amount === null ? null : Number(a.amount)}`;
    expect(published.map(fields).sort()).toEqual(inWindow.map(fields).sort());

    const status = await job();
    expect(status.runs).toMatchObject({ failure: 0 });
    expect(status.lastRun).toMatchObject({ outcome: 'success', records: 0, error: null });
    expect(Date.parse(status.lastSuccessAt)).toBeGreaterThan(Date.parse(status.lastRun.startedAt) - 1);
    const metrics = String((await httpJson(gateway.port, '/metrics')).body);
    /** The sample of `name` whose labels include all of `labels`, in whatever order prom-client writes them. */
    const value = (name: string, ...labels: string[]) => {
      const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
      return Number(line?.split(' ').at(-1));
    };
    expect(value('md_scheduled_job_runs_total', 'job="corporate-actions"', 'outcome="success"')).toBeGreaterThanOrEqual(2);
    expect(value('md_scheduled_job_runs_total', 'job="corporate-actions"', 'outcome="failure"')).toBe(0);
    expect(value('md_scheduled_job_records_published_total', 'job="corporate-actions"')).toBe(3);
    expect(value('md_scheduled_job_last_success_timestamp_seconds', 'job="corporate-actions"')).toBeGreaterThan(Date.now() / 1000 - 60);

    expect(await stopService(gateway)).toBe(0);
    const log = readFileSync(gateway.logFile, 'utf8');
    expect(log).not.toMatch(/\bERROR\b/);
    expect(log).not.toContain(SECRET);
  });
});
