import type { OptionQuoteRecord } from '@md/contracts';
import { readFileSync } from 'node:fs';
import { microsToIso } from '@md/market';
import { optionGreeks } from './black-scholes';
import { parseOptionChainCsv, priceOptionChain, type ChainRow, type ChainSnapshotOptions } from './chain-snapshot';
import { OPTIONS_CHAIN_FILE, fixturePath } from '@md/fixtures';

// Real data: a Yahoo-style snapshot of 3,003 contracts, July 2024 (fixtures/README.md). It has implied volatilities but no greeks and no spot.
const FILE = fixturePath(OPTIONS_CHAIN_FILE);
const OPTIONS: ChainSnapshotOptions = { provider: 'yahoo', riskFreeRate: 0.053, ingestTime: 1_722_500_000_000_000 };
const HEADER = ',contractSymbol,lastTradeDate,strike,lastPrice,bid,ask,change,percentChange,volume,openInterest,impliedVolatility,inTheMoney,contractSize,currency,optionType';

describe('option chain snapshot (real July 2024 file)', () => {
  const snapshot = parseOptionChainCsv(readFileSync(FILE, 'utf8'), OPTIONS, 'options_chain_snapshot_2024-07.csv');
  const find = (occ: string) => snapshot.quotes.find((q) => q.occSymbol === occ)!;
  const count = (f: (q: OptionQuoteRecord) => boolean) => snapshot.quotes.filter(f).length;

  it('reads all 3,003 contracts and rejects none', () => {
    expect(snapshot.quotes).toHaveLength(3003);
    expect(snapshot.rejected).toEqual([]);
  });

  it('dates the snapshot by its latest trade, 2024-07-31 16:14:59 New York', () => {
    expect(microsToIso(snapshot.snapshotTime)).toBe('2024-07-31T20:14:59.000Z');
    expect(count((q) => q.snapshotTime !== snapshot.snapshotTime)).toBe(0);
  });

  it('maps the first row exactly and keeps the given IV', () => {
    expect(find('AAPL240802C00100000')).toMatchObject({
      underlying: 'AAPL', expiry: '2024-08-02', strike: '100.00000000', optionType: 'C', lastTradeTime: Date.parse('2024-07-29T16:08:35Z') * 1000,
      bid: '120.75000000', ask: '122.55000000', last: '118.68000000', volume: 12, openInterest: 19, impliedVolatility: 4.363285795898436, provider: 'yahoo',
    });
  });

  it('keeps the 83 empty volumes as null, not zero', () => {
    expect(count((q) => q.volume === null)).toBe(83);
    expect(find('AAPL240802P00100000').volume).toBeNull();
  });

  it('derives each underlying from parity: AAPL 222.21 between its 220 and 222.5 strikes, SPY held at the 551 its flags allow', () => {
    expect(Number(find('AAPL240802C00222500').underlyingPrice)).toBeCloseTo(222.21, 2);
    expect(find('SPY240801C00551000').underlyingPrice).toBe('551.00000000');
    expect(count((q) => q.underlyingPrice === null)).toBe(0);
  });

  it('computes greeks from the given IV for every contract but the 24 whose IV is Yahoo\'s 1e-5 placeholder', () => {
    expect(count((q) => q.greeksSource === 'computed')).toBe(2979);
    const placeholders = snapshot.quotes.filter((q) => q.impliedVolatility! < 0.001);
    expect(placeholders).toHaveLength(24);
    expect(placeholders.every((q) => q.greeksSource === null && q.delta === null && q.vega === null)).toBe(true);
  });

  it('gives greeks that are those of Black-Scholes at the stated inputs and have the right signs', () => {
    const q = find('AAPL240802C00222500');
    const years = (Date.parse('2024-08-02T20:00:00Z') - Date.parse('2024-07-31T20:14:59Z')) / (365 * 86_400_000);
    const expected = optionGreeks({ type: 'C', spot: Number(q.underlyingPrice), strike: 222.5, years, rate: 0.053, dividendYield: 0, volatility: q.impliedVolatility! });
    expect(q).toMatchObject(expected);
    expect(q.delta).toBeCloseTo(0.499, 3);
    const computed = snapshot.quotes.filter((c) => c.greeksSource === 'computed');
    expect(computed.every((c) => (c.optionType === 'C' ? c.delta! >= 0 && c.delta! <= 1 : c.delta! >= -1 && c.delta! <= 0))).toBe(true);
    expect(computed.every((c) => c.gamma! >= 0 && c.vega! >= 0)).toBe(true);
  });
});

describe('option chain snapshot rows', () => {
  const row = (fields: string) => `${HEADER}\n${fields}\n`;
  const good = '0,AAPL240802C00100000,2024-07-29 16:08:35+00:00,100.0,118.68,120.75,122.55,0.0,0.0,12.0,19.0,4.36,1.0,REGULAR,USD,C';

  it('rejects a bad row with its line and reason and keeps the rest', () => {
    const text = `${HEADER}\n${good}\n${good.replace('AAPL240802C00100000', 'AAPL240802C00105000').replace(',100.0,', ',100.0,')}\n`;
    const { quotes, rejected } = parseOptionChainCsv(text, OPTIONS, 'chain.csv');
    expect(quotes).toHaveLength(1);
    expect(rejected).toEqual([{ line: 3, raw: expect.stringContaining('AAPL240802C00105000'), reason: 'chain.csv line 3: strike 100.0 disagrees with the OCC symbol\'s 105.00000000' }]);
  });

  it('rejects a repeated contract, a half-count, a wrong type and a short row', () => {
    const text = [HEADER, good, good, good.replace('0,12.0,', '0,12.5,'), good.replace(/C$/, 'P'), '1,2,3'].join('\n');
    const reasons = parseOptionChainCsv(text, OPTIONS, 'chain.csv').rejected.map((r) => r.reason);
    expect(reasons).toEqual([
      'chain.csv line 3: AAPL240802C00100000 repeats line 2; a snapshot lists a contract once',
      'chain.csv line 4: volume "12.5" is not a whole number >= 0',
      'chain.csv line 5: optionType "P" disagrees with the OCC symbol\'s C',
      'chain.csv line 6: 3 fields, the header has 16',
    ]);
  });

  it('uses the provider\'s greeks and spot when the file has them', () => {
    const text = `${HEADER},underlyingPrice,delta,gamma,theta,vega,rho\n${good},222.3,0.9,0.01,-0.05,0.02,0.01\n`;
    const [q] = parseOptionChainCsv(text, OPTIONS).quotes;
    expect(q).toMatchObject({ underlyingPrice: '222.30000000', delta: 0.9, gamma: 0.01, theta: -0.05, vega: 0.02, rho: 0.01, greeksSource: 'provider' });
  });

  it('leaves greeks null past expiry and when no strike has a two-sided call and put', () => {
    expect(parseOptionChainCsv(row(good), OPTIONS).quotes[0]).toMatchObject({ underlyingPrice: null, delta: null, greeksSource: null });
    const late = { ...OPTIONS, snapshotTime: Date.parse('2024-08-03T00:00:00Z') * 1000 };
    const put = good.replace('AAPL240802C00100000', 'AAPL240802P00100000').replace(/C$/, 'P');
    expect(parseOptionChainCsv(`${HEADER}\n${good}\n${put}\n`, late).quotes.map((q) => q.greeksSource)).toEqual([null, null]);
  });

  it('refuses a file without the columns it needs, or without a time to date it by', () => {
    expect(() => parseOptionChainCsv('symbol,bid\nX,1\n', OPTIONS, 'x.csv')).toThrow(/x.csv: header lacks contractSymbol, lastTradeDate/);
    expect(() => parseOptionChainCsv(row(good.replace('2024-07-29 16:08:35+00:00', '')), OPTIONS, 'x.csv')).toThrow(/no lastTradeDate .* pass snapshotTime/);
  });
});

describe('pricing a chain from structured rows', () => {
  const NONE = { delta: null, gamma: null, theta: null, vega: null, rho: null, greeksSource: null, underlyingPrice: null, snapshotTime: 0 };
  const file = parseOptionChainCsv(readFileSync(FILE, 'utf8'), OPTIONS);
  const inTheMoney = (q: OptionQuoteRecord, spot: number) => (q.optionType === 'C' ? Number(q.strike) < spot : Number(q.strike) > spot);

  it('prices rows as the file parser prices the same contracts, in the order given', () => {
    const rows: ChainRow[] = file.quotes.map((q) => ({ quote: { ...q, ...NONE }, inTheMoney: inTheMoney(q, Number(q.underlyingPrice)) }));
    const priced = priceOptionChain(rows.slice().reverse(), OPTIONS, file.snapshotTime);
    expect(priced.map((q) => q.occSymbol)).toEqual(rows.map((r) => r.quote.occSymbol).reverse());
    expect(priced.filter((q) => q.greeksSource === 'computed')).toHaveLength(2979);
    expect(priced.find((q) => q.occSymbol === 'AAPL240802C00222500')).toEqual(file.quotes.find((q) => q.occSymbol === 'AAPL240802C00222500'));
  });

  it("keeps a row's own greeks and spot, and dates every quote by the snapshot time", () => {
    const q = file.quotes[0];
    const given = { ...q, underlyingPrice: '222.30000000', delta: 0.9, gamma: 0.01, theta: -0.05, vega: 0.02, rho: 0.01, greeksSource: 'provider' as const };
    expect(priceOptionChain([{ quote: given, inTheMoney: null }], OPTIONS, 5)).toEqual([{ ...given, snapshotTime: 5 }]);
  });
});
