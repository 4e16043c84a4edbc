import { parseOptionChainCsv } from '@md/options';
import { mapAlpacaOptionChain, parseAlpacaOptionChainPage, type AlpacaOptionSnapshot } from './alpaca-options';

const us = (iso: string) => Date.parse(iso) * 1000;
const OPTIONS = { provider: 'alpaca', riskFreeRate: 0.053, ingestTime: 7 };
const GREEKS = { delta: 0.52, gamma: 0.031, theta: -0.12, vega: 0.09, rho: 0.02 };
const quote = (bp: number, ap: number, t = '2024-07-31T19:59:58.123456789Z') => ({ t, bp, bs: 3, bx: 'C', ap, as: 5, ax: 'N', c: 'A' });
const trade = (p: number, t = '2024-07-31T19:34:43Z') => ({ t, p, s: 2, x: 'C', c: 'I' });

describe('Alpaca option snapshots', () => {
  it('maps every field and keeps the provider greeks and IV as given', () => {
    const snapshot: AlpacaOptionSnapshot = ['AAPL240802C00220000', { latestQuote: quote(1.5, 1.55), latestTrade: trade(1.52), greeks: GREEKS, impliedVolatility: 0.2412, dailyBar: { t: '2024-07-31T04:00:00Z', o: 1, h: 2, l: 1, c: 1.52, v: 4021, n: 9, vw: 1.5 } }];
    const { quotes, rejected, snapshotTime } = mapAlpacaOptionChain([snapshot], OPTIONS);
    expect(rejected).toEqual([]);
    expect(snapshotTime).toBe(us('2024-07-31T19:59:58.123Z') + 456);
    expect(quotes).toEqual([{
      occSymbol: 'AAPL240802C00220000', underlying: 'AAPL', expiry: '2024-08-02', strike: '220.00000000', optionType: 'C',
      snapshotTime, lastTradeTime: us('2024-07-31T19:34:43Z'), bid: '1.50000000', ask: '1.55000000', last: '1.52000000',
      volume: 4021, openInterest: null, impliedVolatility: 0.2412, underlyingPrice: null, ...GREEKS, greeksSource: 'provider', provider: 'alpaca', ingestTime: 7,
    }]);
  });

  it('computes missing greeks by the chain file rule: the same numbers as the file with the same quotes', () => {
    const strikes = [210, 215, 220, 225, 230];
    const snapshots: AlpacaOptionSnapshot[] = strikes.flatMap((k) => [
      [`AAPL240816C00${k}000`, { latestQuote: quote(Math.max(0.05, 221 - k) + 3, Math.max(0.05, 221 - k) + 3.1), impliedVolatility: 0.25 }],
      [`AAPL240816P00${k}000`, { latestQuote: quote(Math.max(0.05, k - 221) + 3, Math.max(0.05, k - 221) + 3.1), impliedVolatility: 0.26 }],
    ] as AlpacaOptionSnapshot[]);
    const fromRest = mapAlpacaOptionChain(snapshots, OPTIONS);
    const file = ['contractSymbol,lastTradeDate,strike,lastPrice,bid,ask,volume,openInterest,impliedVolatility,optionType', ...snapshots.map(([occ, s]) => {
      const q = (s as { latestQuote: { bp: number; ap: number } }).latestQuote;
      return `${occ},,${occ.slice(-8, -3)},,${q.bp},${q.ap},,,${(s as { impliedVolatility: number }).impliedVolatility},${occ[10]}`;
    })].join('\n');
    const fromFile = parseOptionChainCsv(file, { ...OPTIONS, snapshotTime: fromRest.snapshotTime });
    expect(fromRest.quotes.every((q) => q.greeksSource === 'computed' && q.delta !== null && q.underlyingPrice !== null)).toBe(true);
    expect(fromRest.quotes).toEqual(fromFile.quotes);
  });

  it('dates the snapshot by its latest quote or trade, unless told', () => {
    const snapshots: AlpacaOptionSnapshot[] = [
      ['SPY240802C00500000', { latestTrade: trade(44, '2024-07-31T20:00:01Z') }],
      ['SPY240802P00500000', { latestQuote: quote(0.01, 0.02, '2024-07-31T19:59:59Z') }],
    ];
    expect(mapAlpacaOptionChain(snapshots, OPTIONS).snapshotTime).toBe(us('2024-07-31T20:00:01Z'));
    expect(mapAlpacaOptionChain(snapshots, { ...OPTIONS, snapshotTime: 5 }).quotes[0].snapshotTime).toBe(5);
    expect(mapAlpacaOptionChain([['SPY240802C00500000', {}]], OPTIONS)).toMatchObject({ snapshotTime: 7, quotes: [{ bid: null, last: null, greeksSource: null }] });
  });

  it('rejects a bad contract with its reason and keeps the rest', () => {
    const good: AlpacaOptionSnapshot = ['AAPL240802C00220000', { latestQuote: quote(1.5, 1.55) }];
    const snapshots: AlpacaOptionSnapshot[] = [
      ['AAPL240802X00220000', { latestQuote: quote(1, 2) }],
      good,
      ['AAPL240802P00220000', { latestQuote: { ...quote(1, 2), bp: 'NaN' } }],
      ['AAPL240802P00225000', { impliedVolatility: -0.2 }],
      ['AAPL240802P00230000', { latestTrade: trade(1, '2024-07-31 19:34:43') }],
    ];
    const { quotes, rejected } = mapAlpacaOptionChain(snapshots, OPTIONS);
    expect(quotes.map((q) => q.occSymbol)).toEqual(['AAPL240802C00220000']);
    expect(rejected.map((r) => [r.occSymbol, r.reason])).toEqual([
      ['AAPL240802X00220000', expect.stringMatching(/^OCC symbol "AAPL240802X00220000": .* is not yymmdd, C or P/)],
      ['AAPL240802P00220000', 'AAPL240802P00220000: latestQuote.bp: Expected number, received string'],
      ['AAPL240802P00225000', expect.stringMatching(/^AAPL240802P00225000: impliedVolatility: Number must be greater than or equal to 0/)],
      ['AAPL240802P00230000', 't "2024-07-31 19:34:43" is not an RFC-3339 timestamp'],
    ]);
    expect(rejected[1].item).toEqual(snapshots[2][1]);
  });

  it('rejects a contract listed twice (pages that overlap) against the one it repeats', () => {
    const item = { latestQuote: quote(1, 2) };
    const { quotes, rejected } = mapAlpacaOptionChain([['AAPL240802C00220000', item], ['AAPL240802C00225000', item], ['AAPL240802C00220000', item]], OPTIONS);
    expect(quotes).toHaveLength(2);
    expect(rejected).toEqual([{ occSymbol: 'AAPL240802C00220000', item, reason: 'AAPL240802C00220000: AAPL240802C00220000 repeats an earlier snapshot; a snapshot lists a contract once' }]);
  });

  it('reads a page envelope and refuses a malformed one', () => {
    expect(parseAlpacaOptionChainPage({ snapshots: { A: 1 }, next_page_token: 'x' })).toEqual({ snapshots: [['A', 1]], nextPageToken: 'x' });
    expect(parseAlpacaOptionChainPage({ snapshots: null })).toEqual({ snapshots: [], nextPageToken: null });
    expect(() => parseAlpacaOptionChainPage({ snapshot: {} })).toThrow(/^option snapshots page is malformed: snapshots: Required$/);
  });
});
