import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { CorporateActionRecord } from '@md/contracts';
import { parseLeanFactorFile } from '@md/providers';
import { AlpacaRestSimulator, alpacaCorporateActionsRecording } from '@md/simulators';
import { AlpacaCorporateActionsClient } from '../providers/alpaca/alpaca-corporate-actions.client';
import { factorFileActions } from '../providers/files/lean-corporate-actions';
import { MemorySink } from '@md/ingest';
import { PROCESS_LAG_DAYS, processWindows, runCorporateActionsBackfill, type CorporateActionsProgress } from './corporate-actions.job';
import { fixturesDir } from '@md/fixtures';

const KEYS = { keyId: 'AKCAJOB', secretKey: 'ca-job-secret' };
const LEAN = factorFileActions(parseLeanFactorFile(readFileSync(join(fixturesDir(), 'lean/factor_files/aapl.csv'), 'utf8')), { symbol: 'AAPL', provider: 'lean', ingestTime: 1 }).actions;
const plusDays = (date: string, days: number) => DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;

/** AAPL's factor-file actions as Alpaca books them: a dividend is processed on its pay date, here 60 days after the ex-date. */
function recording() {
  const r = alpacaCorporateActionsRecording(LEAN);
  for (const d of r.cash_dividends as { ex_date: string; process_date: string }[]) d.process_date = plusDays(d.ex_date, 60);
  return r;
}

describe('corporate actions backfill job', () => {
  let sim: AlpacaRestSimulator;
  let client: AlpacaCorporateActionsClient;
  beforeEach(async () => {
    sim = await AlpacaRestSimulator.start({ ...KEYS, corporateActions: recording() });
    client = new AlpacaCorporateActionsClient({ ...KEYS, baseUrl: sim.url, budget: { requests: 1000, perMs: 1000, burst: 100 } });
  });
  afterEach(() => sim.stop());

  it('cuts the process dates into contiguous years, from a week before the first ex-date to the lag after the last', () => {
    const windows = processWindows('2010-01-01', '2025-01-01');
    expect(windows.map((w) => w.label)).toEqual(Array.from({ length: 17 }, (_, i) => String(2009 + i)));
    expect(windows[0]).toEqual({ label: '2009', processedFrom: '2009-12-25', processedTo: '2009-12-31' });
    expect(windows.at(-1)).toEqual({ label: '2025', processedFrom: '2025-01-01', processedTo: plusDays('2025-01-01', PROCESS_LAG_DAYS - 1) });
    windows.slice(1).forEach((w, i) => expect(w.processedFrom).toBe(plusDays(windows[i].processedTo, 1)));
    expect(() => processWindows('2025-01-01', '2024-01-01')).toThrow(/from < to/);
  });

  it("publishes exactly the actions ex-dated in [from, to), a dividend booked after `to` included", async () => {
    const sink = new MemorySink();
    const progress: CorporateActionsProgress[] = [];
    const result = await runCorporateActionsBackfill({ symbols: ['AAPL'], fromDate: '2014-01-01', toDate: '2015-01-01' }, client, sink, { onProgress: (p) => progress.push(p) });
    const published = sink.records.map((r) => r.value as CorporateActionRecord);
    const expected = LEAN.filter((a) => a.exDate >= '2014-01-01' && a.exDate < '2015-01-01');
    // Alpaca groups a page by type, so the order is by type, then process date.
    expect(published.map((a) => `${a.exDate} ${a.kind}`).sort()).toEqual(expected.map((a) => `${a.exDate} ${a.kind}`).sort());
    expect(published.map((a) => a.exDate)).toContain('2014-11-06'); // booked 2015-01-05, after `to`
    // 2013-11-06's dividend, booked 2014-01-05, comes back and is left to the run that covers 2013.
    expect(result).toMatchObject({ aborted: false, windowsDone: 3, windowsTotal: 3, actions: expected.length, rejected: 0, outside: 1 });
    expect(progress.map((p) => p.window)).toEqual([null, '2013', '2014', '2015']);
  });

  it('dead-letters what it cannot map and stops between requests when aborted', async () => {
    await sim.stop();
    const redemption = { id: 'r', symbol: 'AAPL', rate: 1, process_date: '2014-03-03', payable_date: '2014-03-03' };
    sim = await AlpacaRestSimulator.start({ ...KEYS, corporateActions: { ...recording(), redemptions: [redemption] } });
    client = new AlpacaCorporateActionsClient({ ...KEYS, baseUrl: sim.url, budget: { requests: 1000, perMs: 1000, burst: 100 } });
    const sink = new MemorySink();
    const job = { symbols: ['AAPL'], types: ['redemption', 'forward_split'], fromDate: '2014-01-01', toDate: '2015-01-01' };
    expect(await runCorporateActionsBackfill(job, client, sink)).toMatchObject({ actions: 1, rejected: 1 });
    expect(sink.rejected[0].reason).toMatch(/^redemptions: md.corporate-actions.v1 has no kind/);
    const abort = new AbortController();
    abort.abort();
    expect(await runCorporateActionsBackfill(job, client, new MemorySink(), { signal: abort.signal })).toMatchObject({ aborted: true, windowsDone: 0 });
  });
});
