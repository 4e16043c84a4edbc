import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCorporateActionsCsv } from '@md/market';
import { parseLeanFactorFile } from '@md/providers';
import { MemoryCheckpointedSink, MemorySink } from '@md/ingest';
import { factorFileActions, nextTradingDay, parseLeanMapFile, publishLeanCorporateActions, splitRatio, tickerChanges, type FactorFilePosition } from './lean-corporate-actions';
import { AAPL_ACTIONS_FILE, fixturePath, fixturesDir } from '@md/fixtures';

// Real data: LEAN's AAPL factor and map files (fixtures/lean, QuantConnect LEAN sample data,
// Apache-2.0) against fixtures/corporate-actions/aapl.csv, AAPL's published actions.
const FACTOR_FILE = join(fixturesDir(), 'lean/factor_files/aapl.csv');
const MAP_FILE = join(fixturesDir(), 'lean/map_files/aapl.csv');
const LAST_FACTOR_EX_DATE = '2018-05-11'; // the file's last real row is 20180510
const OPTIONS = { symbol: 'AAPL', provider: 'lean', ingestTime: 1 };

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lean-ca-')), name);
  writeFileSync(path, text);
  return path;
}

describe('corporate actions from the LEAN AAPL factor file', () => {
  const derived = factorFileActions(parseLeanFactorFile(readFileSync(FACTOR_FILE, 'utf8')), OPTIONS);
  const sample = parseCorporateActionsCsv(readFileSync(fixturePath(AAPL_ACTIONS_FILE), 'utf8'), 'apple-ir').filter((a) => a.exDate <= LAST_FACTOR_EX_DATE);

  it('reproduces every action of the sample up to 2018-05-11 exactly, and nothing else', () => {
    const asSample = derived.actions.map((a) => ({
      exDate: a.exDate, kind: a.kind === 'SPLIT' ? 'split' : 'cash_dividend', ...(a.ratioTo ? { ratio: { to: a.ratioTo, from: a.ratioFrom } } : {}), ...(a.amount ? { amount: a.amount } : {}),
    }));
    expect(asSample).toEqual(sample.map(({ exDate, kind, ratio, amount }) => ({ exDate, kind, ...(ratio ? { ratio } : {}), ...(amount ? { amount } : {}) })));
    expect(derived.actions).toHaveLength(27);
    expect(derived.rejected).toEqual([]);
  });

  it('dates the 7:1 split of 2014 on the Monday after the Friday row, and keeps the dividend reference close', () => {
    expect(derived.actions.find((a) => a.kind === 'SPLIT' && a.exDate === '2014-06-09')).toMatchObject({ ratioTo: 7, ratioFrom: 1, amount: null, referencePrice: null });
    expect(derived.actions.find((a) => a.exDate === '2012-08-09')).toEqual({
      symbol: 'AAPL', exDate: '2012-08-09', kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: '2.65000000', referencePrice: '619.85000000', provider: 'lean', revision: 0, ingestTime: 1,
    });
  });

  it('rejects a dividend step without a reference price instead of guessing', () => {
    const rows = parseLeanFactorFile('20120808,0.8893653,0.142857\n20121106,0.8931837,0.142857\n');
    expect(factorFileActions(rows, OPTIONS).rejected.map((r) => r.reason)).toEqual([
      "factor file row 2012-08-08: a dividend step needs the row's reference price (4-column factor file); none is given",
    ]);
  });
});

describe('factor file helpers', () => {
  it('reads split ratios from rounded factors, reverse and fractional splits too', () => {
    expect(splitRatio(1 / 0.142857)).toEqual({ to: 7, from: 1 });
    expect(splitRatio(0.0714286 / 0.0357143)).toEqual({ to: 2, from: 1 });
    expect(splitRatio(1.5)).toEqual({ to: 3, from: 2 });
    expect(splitRatio(0.1)).toEqual({ to: 1, from: 10 });
    expect(splitRatio(1 / 200)).toEqual({ to: 1, from: 200 });
    expect(splitRatio(Math.PI)).toBeNull();
  });

  it('steps over weekends and NYSE holidays to the ex-date', () => {
    expect(nextTradingDay('2014-06-06')).toBe('2014-06-09');
    expect(nextTradingDay('2017-11-09')).toBe('2017-11-10');
    expect(nextTradingDay('2018-07-03')).toBe('2018-07-05');
  });
});

describe('LEAN map files', () => {
  it('finds no ticker change in the real AAPL map file', () => {
    const rows = parseLeanMapFile(readFileSync(MAP_FILE, 'utf8'));
    expect(rows).toEqual([{ date: '1998-01-02', ticker: 'AAPL' }, { date: '2050-12-31', ticker: 'AAPL' }]);
    expect(tickerChanges(rows)).toEqual([]);
  });

  it('dates a rename on the first trading day under the new ticker', () => {
    const rows = parseLeanMapFile('20120518,fb,Q\n20220608,fb,Q\n20501231,meta,Q\n');
    expect(tickerChanges(rows)).toEqual([{ fromSymbol: 'FB', toSymbol: 'META', effectiveDate: '2022-06-09' }]);
  });

  it('names a malformed line', () => {
    expect(() => parseLeanMapFile('20120518,fb\n20220608\n', 'meta.csv')).toThrow('meta.csv line 2: ticker undefined is missing or malformed; expected yyyyMMdd,ticker[,exchange]');
  });
});

describe('publishing LEAN corporate actions', () => {
  it('publishes the AAPL actions in one batch keyed by the file\'s ticker', async () => {
    const sink = new MemorySink();
    const { actions, tickerChanges: changes } = await publishLeanCorporateActions(sink, { factorFile: FACTOR_FILE, mapFile: MAP_FILE, now: () => 1_700_000_000_000 });
    expect(sink.records).toHaveLength(27);
    expect(sink.records.every((r) => r.kind === 'corporate_action' && r.value.symbol === 'AAPL' && r.value.ingestTime === 1_700_000_000_000_000)).toBe(true);
    expect(actions).toHaveLength(27);
    expect(changes).toEqual([]);
    expect(sink.rejected).toEqual([]);
  });

  it('dead-letters a ticker change with its reason, since the topic has no kind for it', async () => {
    const sink = new MemorySink();
    const mapFile = tempFile('meta.csv', '20120518,fb\n20220608,fb\n20501231,meta\n');
    const factorFile = tempFile('meta.csv', '20120518,1,1,38.23\n20501231,1,1,0\n');
    await publishLeanCorporateActions(sink, { factorFile, mapFile });
    expect(sink.records).toEqual([]);
    expect(sink.rejected).toEqual([{
      payload: '{"fromSymbol":"FB","toSymbol":"META","effectiveDate":"2022-06-09"}',
      reason: 'ticker change FB -> META effective 2022-06-09: md.corporate-actions.v1 has no symbol-change kind; not published',
      source: mapFile,
    }]);
  });

  it('commits the actions and their dead letters in one batch, and publishes nothing when resumed after it', async () => {
    const sink = new MemoryCheckpointedSink<FactorFilePosition>();
    const first = await publishLeanCorporateActions(sink, { factorFile: FACTOR_FILE, mapFile: MAP_FILE, now: () => 1_700_000_000_000 });
    expect([first.published, sink.positions]).toEqual([true, [{ actions: first.actions.length }]]);
    const resumed = sink.restart();
    expect((await publishLeanCorporateActions(resumed, { factorFile: FACTOR_FILE, mapFile: MAP_FILE })).published).toBe(false);
    expect(resumed.records).toHaveLength(first.actions.length);
  });
});
