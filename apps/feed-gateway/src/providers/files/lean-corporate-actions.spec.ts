import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CorporateActionRecord } from '@md/contracts';
import { type AdjustmentFactors, type CorporateAction, SymbolAdjustments, newYorkMidnightUs, parseCorporateActionsCsv } from '@md/market';
import { type LeanFactorRow, parseLeanFactorFile } from '@md/providers';
import { MemoryCheckpointedSink, MemorySink } from '@md/ingest';
import { nextTradingDay } from '@md/market';
import { factorFileActions, publishLeanCorporateActions, splitRatio, type FactorFilePosition } from './lean-corporate-actions';
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

  it('reproduces every action of the sample up to 2018-05-11, dividends to the cent Apple paid, and nothing else', () => {
    // Amounts are what the file's rounded factors imply, not cents (see the fund files below):
    // for AAPL they lie within 0.025 cents of what Apple paid.
    const cents = (amount: string) => Number(amount).toFixed(2);
    const asSample = derived.actions.map((a) => ({
      exDate: a.exDate, kind: a.kind === 'SPLIT' ? 'split' : 'cash_dividend', ...(a.ratioTo ? { ratio: { to: a.ratioTo, from: a.ratioFrom } } : {}), ...(a.amount ? { amount: cents(a.amount) } : {}),
    }));
    expect(asSample).toEqual(sample.map(({ exDate, kind, ratio, amount }) => ({ exDate, kind, ...(ratio ? { ratio } : {}), ...(amount ? { amount: cents(amount) } : {}) })));
    const paid = new Map(sample.map((a) => [a.exDate, Number(a.amount)]));
    const off = derived.actions.filter((a) => a.amount).map((a) => Math.abs(Number(a.amount) - paid.get(a.exDate)!));
    expect(Math.max(...off)).toBeLessThan(3e-4);
    expect(derived.actions).toHaveLength(27);
    expect(derived.rejected).toEqual([]);
  });

  it('dates the 7:1 split of 2014 on the Monday after the Friday row, and keeps the dividend reference close', () => {
    expect(derived.actions.find((a) => a.kind === 'SPLIT' && a.exDate === '2014-06-09')).toMatchObject({ ratioTo: 7, ratioFrom: 1, amount: null, referencePrice: null });
    expect(derived.actions.find((a) => a.exDate === '2012-08-09')).toEqual({
      symbol: 'AAPL', exDate: '2012-08-09', kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: '2.64988629', referencePrice: '619.85000000', provider: 'lean', revision: 0, ingestTime: 1,
    });
  });

  it('rejects a dividend step without a reference price instead of guessing', () => {
    const rows = parseLeanFactorFile('20120808,0.8893653,0.142857\n20121106,0.8931837,0.142857\n');
    expect(factorFileActions(rows, OPTIONS).rejected.map((r) => r.reason)).toEqual([
      "factor file row 2012-08-08: a dividend step needs the row's reference price (4-column factor file); none is given",
    ]);
  });
});

// Every factor file shipped (fixtures/lean/factor_files; fixtures/README.md names them) against
// the platform's own adjustment: the derived records go through SymbolAdjustments as the
// preprocessor feeds them (preprocessor.service.ts onAction), and each row's cumulative factors
// are read on that row's date. LEAN adjusts with the factors as printed, so those are the target.
const FACTOR_FILES = join(fixturesDir(), 'lean/factor_files');
const factorFiles = readdirSync(FACTOR_FILES).filter((f) => f.endsWith('.csv')).sort();
const readRows = (name: string) => parseLeanFactorFile(readFileSync(join(FACTOR_FILES, name), 'utf8'), name);

/** The platform's factors for the bars of each row's date, all rows but the last (20501231: 1, 1). */
function platformFactors(rows: readonly LeanFactorRow[], records: readonly CorporateActionRecord[]): AdjustmentFactors[] {
  const adjustments = SymbolAdjustments.fromJSON(undefined);
  for (const r of records) {
    const base = { symbol: r.symbol, exDate: r.exDate, provider: r.provider, revision: r.revision };
    const action: CorporateAction = r.kind === 'SPLIT' ? { ...base, kind: 'split', ratio: { to: r.ratioTo!, from: r.ratioFrom! } } : { ...base, kind: 'cash_dividend', amount: r.amount! };
    adjustments.addAction(action, r.referencePrice === null ? undefined : Number(r.referencePrice));
  }
  return rows.slice(0, -1).map((row) => adjustments.factorsAt(newYorkMidnightUs(row.date)));
}

/** Largest |platform / file - 1| of the price factors. */
function priceFactorError(rows: readonly LeanFactorRow[], records: readonly CorporateActionRecord[]): number {
  return Math.max(...platformFactors(rows, records).map((f, i) => Math.abs(f.dividendFactor / rows[i].priceFactor - 1)));
}

/**
 * The split factor as LEAN prints it: 6 significant digits in these files (1/7 as 0.142857), 8
 * decimals in today's CorporateFactorRow.GetFileFormat. A whole ratio can match no closer.
 */
const printsAs = (factor: number, printed: number) => Number(factor.toPrecision(6)) === printed || Number(factor.toFixed(8)) === printed;

const withAmounts = (records: readonly CorporateActionRecord[], amount: (r: CorporateActionRecord) => string) => records.map((r) => (r.amount ? { ...r, amount: amount(r) } : r));

describe('every LEAN factor file shipped, through the platform\'s adjustment', () => {
  it('covers AAPL (three splits), four funds paying fractions of a cent (EEM with two 3:1 splits, IWM, QQQ, SPY) and WM', () => {
    expect(factorFiles).toEqual(['aapl.csv', 'eem.csv', 'iwm.csv', 'qqq.csv', 'spy.csv', 'wm.csv']);
  });

  describe.each(factorFiles)('%s', (name) => {
    const rows = readRows(name);
    const derived = factorFileActions(rows, OPTIONS);

    it('derives an action for every step, each amount within the contract\'s decimal(20,8)', () => {
      expect(derived.rejected).toEqual([]);
      expect(rows.at(-1)).toMatchObject({ priceFactor: 1, splitFactor: 1 });
      for (const a of derived.actions.filter((x) => x.amount)) expect(a.amount).toMatch(/^\d{1,12}\.\d{8}$/);
    });

    it("gives every row LEAN's price factor within 1e-9 relative", () => {
      expect(priceFactorError(rows, derived.actions)).toBeLessThan(1e-9);
    });

    it("gives every row LEAN's split factor as the file prints it, from whole ratios", () => {
      const off = platformFactors(rows, derived.actions).filter((f, i) => !printsAs(f.splitFactor, rows[i].splitFactor));
      expect(off).toEqual([]);
      expect(derived.actions.filter((a) => a.kind === 'SPLIT').every((a) => Number.isInteger(a.ratioTo) && Number.isInteger(a.ratioFrom))).toBe(true);
    });
  });

  it('would catch the cents of before: rounded to cents, every fund drifts past 1e-4', () => {
    const cents = (name: string) => { const rows = readRows(name); return priceFactorError(rows, withAmounts(factorFileActions(rows, OPTIONS).actions, (r) => Number(r.amount).toFixed(2))); };
    for (const fund of ['eem.csv', 'iwm.csv', 'qqq.csv', 'spy.csv']) expect(cents(fund)).toBeGreaterThan(1e-4);
    expect(cents('aapl.csv')).toBeLessThan(1e-6); // Apple pays whole cents: only the printing is off
  });

  it('keeps the roundings of the eighth place from adding up: WM rounded dividend by dividend drifts past 1e-9', () => {
    const rows = readRows('wm.csv');
    const byExDate = new Map(rows.slice(0, -1).map((row, i) => [nextTradingDay(row.date), { row, next: rows[i + 1] }]));
    const alone = (r: CorporateActionRecord) => {
      const { row, next } = byExDate.get(r.exDate)!;
      return ((1 - row.priceFactor / next.priceFactor) * row.referencePrice!).toFixed(8);
    };
    expect(priceFactorError(rows, withAmounts(factorFileActions(rows, OPTIONS).actions, alone))).toBeGreaterThan(1e-9);
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

  it('publishes a map file\'s ticker change as SYMBOL_CHANGE, keyed by the old ticker', async () => {
    const sink = new MemorySink();
    const mapFile = tempFile('meta.csv', '20120518,fb\n20220608,fb\n20501231,meta\n');
    const factorFile = tempFile('meta.csv', '20120518,1,1,38.23\n20501231,1,1,0\n');
    const { actions } = await publishLeanCorporateActions(sink, { factorFile, mapFile, now: () => 1_700_000_000_000 });
    expect(actions).toEqual([{ symbol: 'FB', exDate: '2022-06-09', kind: 'SYMBOL_CHANGE', newSymbol: 'META', ratioTo: null, ratioFrom: null, amount: null, referencePrice: null, provider: 'lean', revision: 0, ingestTime: 1_700_000_000_000_000 }]);
    expect(sink.records.map((r) => r.value)).toEqual(actions);
    expect(sink.rejected).toEqual([]);
  });

  it('keys each WM action by the ticker in use the day before its ex-date (UW, WMI, WM), with the same amounts', async () => {
    const factorFile = fixturePath('lean/factor_files/wm.csv');
    const mapFile = fixturePath('lean/map_files/wm.csv');
    const withMap = (await publishLeanCorporateActions(new MemorySink(), { factorFile, mapFile })).actions;
    const without = (await publishLeanCorporateActions(new MemorySink(), { factorFile })).actions;
    const priced = withMap.filter((a) => a.kind !== 'SYMBOL_CHANGE');
    expect(priced.map((a) => [a.exDate, a.kind, a.amount, a.ratioTo])).toEqual(without.map((a) => [a.exDate, a.kind, a.amount, a.ratioTo]));
    const expected = (exDate: string) => (exDate <= '1998-07-16' ? 'UW' : exDate <= '2009-08-05' ? 'WMI' : 'WM');
    expect(priced.filter((a) => a.symbol !== expected(a.exDate))).toEqual([]);
    expect(new Set(priced.map((a) => a.symbol))).toEqual(new Set(['WMI', 'WM']));
    expect(withMap.filter((a) => a.kind === 'SYMBOL_CHANGE').map((a) => `${a.symbol}>${a.newSymbol}@${a.exDate}`)).toEqual(['UW>WMI@1998-07-17', 'WMI>WM@2009-08-05']);
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
