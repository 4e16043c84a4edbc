import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type CorporateActionRecord, type OptionQuoteRecord, type RestatementRecord } from '@md/contracts';
import { SchemaCodec, endOffsets, readTopicRange } from '@md/kafka';
import { exitCode, finishSliceRun, httpJson, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun } from '@md/testing';
import { fixturesDir } from '@md/fixtures';

// Integration: the gateway's file jobs on real data. LEAN's AAPL factor file becomes corporate
// actions (under the run's symbol), the July 2024 option-chain snapshot becomes
// md.options.chain.v1; the preprocessor restates, the writer stores and serves both.

describe('feed-gateway file jobs: LEAN factor file and option chain snapshot (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('F');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('publishes, restates and stores the actions and the chain', async () => {
    const { run: symbol, kafka } = slice;
    const data = fixturesDir();
    const chainFile = join(data, 'options/options_chain_snapshot_2024-07.csv');
    const aaplContracts = readFileSync(chainFile, 'utf8').split('\n').filter((l) => /^\d+,AAPL\d{6}[CP]\d{8},/.test(l)).length;
    const [actionsStart, restatementsStart, chainStart] = await Promise.all([TOPICS.corporateActions, TOPICS.restatements, TOPICS.optionsChain].map((t) => endOffsets(kafka, t)));
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${symbol}-preprocessor`);
    const writer = await startService('timescale-writer', slice.writerEnv, `test-${symbol}-writer`);
    services.push(prep, writer);
    await Promise.all(services.map((s) => waitReady(s)));

    const gateway = await startService('feed-gateway', {
      LEAN_FACTOR_FILE: join(data, 'lean/factor_files/aapl.csv'), LEAN_MAP_FILE: join(data, 'lean/map_files/aapl.csv'), LEAN_SYMBOL: symbol,
      OPTIONS_CHAIN_FILE: chainFile, OPTIONS_RISK_FREE_RATE: '0.053', REPLAY_EXIT_WHEN_DONE: 'true',
    }, `test-${symbol}-gateway`);
    expect(await exitCode(gateway)).toBe(0);

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const actions: CorporateActionRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.corporateActions, actionsStart)) if (m.key?.toString() === symbol) actions.push(await codec.decode(TOPICS.corporateActions, m.value));
    expect(actions.filter((a) => a.kind === 'SPLIT').map((a) => `${a.exDate} ${a.ratioTo}:${a.ratioFrom}`)).toEqual(['2000-06-21 2:1', '2005-02-28 2:1', '2014-06-09 7:1']);
    expect(actions.filter((a) => a.kind === 'CASH_DIVIDEND')).toHaveLength(24);

    // The preprocessor restates once per action; the last schedule reproduces LEAN's factors.
    await waitFor('the preprocessor to restate every action', async () => (await metricValue(prep.port, 'md_preprocessor_restatements_total', { symbol })) >= actions.length, 60_000, 200);
    const restatements: RestatementRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.restatements, restatementsStart)) if (m.key?.toString() === symbol) restatements.push(await codec.decode(TOPICS.restatements, m.value));
    const first = restatements[restatements.length - 1].segments[0];
    // LEAN factor file, first row (1998-01-02): price factor 0.8893653, split factor 0.0357143 (printed to 7 digits).
    expect(Math.abs(first.splitFactor / 0.0357143 - 1)).toBeLessThan(2e-6);
    expect(Math.abs(first.dividendFactor / 0.8893653 - 1)).toBeLessThan(2e-6);

    const chainTopic: OptionQuoteRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.optionsChain, chainStart)) chainTopic.push(await codec.decode(TOPICS.optionsChain, m.value));
    const aapl = chainTopic.filter((q) => q.underlying === 'AAPL');
    expect(aapl).toHaveLength(aaplContracts);
    expect(aapl.find((q) => q.occSymbol === 'AAPL240802C00100000')).toMatchObject({ strike: '100.00000000', optionType: 'C', bid: '120.75000000', ask: '122.55000000' });

    await waitFor('the writer to store the chain and the actions', async () => {
      const chain = (await httpJson(writer.port, '/v1/options/chain?underlying=AAPL&limit=1000')).body;
      const stored = (await httpJson(writer.port, `/v1/corporate-actions?symbol=${symbol}&limit=100`)).body;
      return chain.contracts.length === aaplContracts && stored.actions.length === actions.length;
    }, 60_000, 250);
    const chain = (await httpJson(writer.port, '/v1/options/chain?underlying=AAPL&expiry=2024-08-02&limit=1000')).body;
    expect(chain.contracts.length).toBeGreaterThan(0);
    expect(chain.contracts.every((c: { expiry: string }) => c.expiry === '2024-08-02')).toBe(true);
  });
});
