import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorporateActionRecord } from '@md/contracts';
import { ALPACA_ACTION_TYPES, parseLeanFactorFile } from '@md/providers';
import { AlpacaRestSimulator, alpacaCorporateActionsRecording, type AlpacaRestSimulatorOptions } from '@md/simulators';
import type { Rejected } from '@md/ingest';
import { factorFileActions } from '../files/lean-corporate-actions';
import { AlpacaCorporateActionsClient, type AlpacaCorporateActionsClientOptions, type CorporateActionsQuery } from './alpaca-corporate-actions.client';
import { fixturesDir } from '@md/fixtures';

// Real data: the actions of LEAN's AAPL factor file (fixtures/lean), derived by the LEAN path
// itself, served by the simulator as Alpaca lists them, and read back through the REST client.
const KEYS = { keyId: 'AKACTIONSTEST', secretKey: 'actions-secret-value' };
const FAST = { requests: 1_000, perMs: 1_000, burst: 100 };
const LEAN = factorFileActions(parseLeanFactorFile(readFileSync(join(fixturesDir(), 'lean/factor_files/aapl.csv'), 'utf8')), { symbol: 'AAPL', provider: 'lean', ingestTime: 1 }).actions;
const ALL: CorporateActionsQuery = { symbols: ['AAPL'], processedFrom: '1998-01-01', processedTo: '2024-12-31' };

describe('Alpaca corporate actions client', () => {
  let sim: AlpacaRestSimulator;
  afterEach(() => sim?.stop());

  async function setUp(simOptions: Partial<AlpacaRestSimulatorOptions> = {}, clientOptions: Partial<AlpacaCorporateActionsClientOptions> = {}) {
    sim = await AlpacaRestSimulator.start({ ...KEYS, corporateActions: alpacaCorporateActionsRecording(LEAN, { AAPL: '037833100' }), ...simOptions });
    return new AlpacaCorporateActionsClient({ ...KEYS, baseUrl: sim.url, budget: FAST, backoff: { initialMs: 20, maxMs: 100 }, ...clientOptions });
  }

  async function collect(pages: AsyncIterable<{ records: CorporateActionRecord[]; rejected: Rejected[] }>) {
    const all = { records: [] as CorporateActionRecord[], rejected: [] as Rejected[] };
    for await (const page of pages) {
      all.records.push(...page.records);
      all.rejected.push(...page.rejected);
    }
    return all;
  }

  it("gives back the LEAN factor file's records, page by page: same splits, dividends and ex-dates", async () => {
    const client = await setUp({}, { pageLimit: 5 });
    const { records, rejected } = await collect(client.pages(ALL));
    expect(rejected).toEqual([]);
    expect(client.stats.pages).toBe(Math.ceil(LEAN.length / 5));
    // Alpaca gives no previous close, so the reference price is the one difference (the preprocessor supplies it).
    const key = (a: CorporateActionRecord) => `${a.exDate} ${a.kind} ${a.ratioTo}:${a.ratioFrom} ${a.amount}`;
    expect(records.map(key).sort()).toEqual(LEAN.map(key).sort());
    expect(records.every((r) => r.provider === 'alpaca' && r.referencePrice === null && r.revision === 0)).toBe(true);
    expect(records.find((r) => r.exDate === '2014-06-09')).toMatchObject({ kind: 'SPLIT', ratioTo: 7, ratioFrom: 1 });
    expect(sim.log[0].params).toMatchObject({ symbols: 'AAPL', types: ALPACA_ACTION_TYPES.join(','), start: '1998-01-01', end: '2024-12-31', limit: '5', sort: 'asc' });
  });

  it('asks by process date, inclusive at both ends', async () => {
    const client = await setUp();
    const { records } = await collect(client.pages({ symbols: ['aapl'], processedFrom: '2014-06-09', processedTo: '2014-08-07' }));
    expect(records.map((r) => r.exDate)).toEqual(['2014-06-09', '2014-08-07']);
  });

  it('dead-letters what has no record kind, with the request it came from, and keeps the rest', async () => {
    const unitSplit = { id: 'u1', old_symbol: 'AAPL', new_symbol: 'AAPL.U', alternate_symbol: 'AAPL.WS', process_date: '2015-01-05', effective_date: '2015-01-05' };
    const client = await setUp({ corporateActions: { ...alpacaCorporateActionsRecording(LEAN), unit_splits: [unitSplit] } });
    const { records, rejected } = await collect(client.pages({ ...ALL, types: ['unit_split', 'cash_dividend'] }));
    expect(records.length).toBe(LEAN.filter((a) => a.kind === 'CASH_DIVIDEND').length);
    expect(rejected).toEqual([{
      payload: JSON.stringify({ group: 'unit_splits', index: 0, item: unitSplit, reason: rejected[0]?.reason }),
      reason: 'unit_splits: md.corporate-actions.v1 has no kind for it (splits, dividends, name changes, mergers and spin-offs only); not published',
      source: expect.stringMatching(/^alpaca-rest GET \/v1\/corporate-actions\?symbols=AAPL&types=unit_split%2Ccash_dividend&/),
    }]);
  });

  it('waits out 429s and retries 500s', async () => {
    const client = await setUp({ faults: { rateLimitEvery: 2, serverErrorEvery: 3, retryAfterSeconds: 1 } }, { pageLimit: 10 });
    const { records } = await collect(client.pages(ALL));
    expect(records).toHaveLength(LEAN.length);
    expect(client.stats).toMatchObject({ rateLimited: sim.countByStatus()[429], serverErrors: sim.countByStatus()[500] });
    expect(client.stats.rateLimited).toBeGreaterThan(0);
  });

  it('refuses a query without symbols or with dates out of order, before asking', async () => {
    const client = await setUp();
    await expect(collect(client.pages({ ...ALL, symbols: [' '] }))).rejects.toThrow(RangeError);
    await expect(collect(client.pages({ ...ALL, processedFrom: '2025-01-01' }))).rejects.toThrow(/processedFrom <= processedTo/);
    expect(sim.log).toHaveLength(0);
  });
});
