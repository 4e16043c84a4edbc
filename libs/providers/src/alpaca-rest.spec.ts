import { alpacaRestTimeMicros, mapAlpacaRestBars, mapAlpacaRestQuotes, mapAlpacaRestTrades } from './alpaca-rest';

const DAY_US = 86_400_000_000;
const from = Date.UTC(2023, 6, 10) * 1000;
const scope = { provider: 'alpaca', ingestTime: 7, symbols: ['DBB', 'SPY'], fromUs: from, toUs: from + DAY_US };
const bar = { t: '2023-07-10T13:30:00Z', o: 17.9, h: 17.91, l: 17.9, c: 17.91, v: 3057, n: 12, vw: 17.905123 };

describe('Alpaca REST timestamps', () => {
  it('keeps microseconds and truncates nanoseconds', () => {
    expect(alpacaRestTimeMicros('2022-01-03T09:00:00.028294451Z')).toBe(Date.UTC(2022, 0, 3, 9) * 1000 + 28_294);
  });

  it('applies an explicit offset', () => {
    expect(alpacaRestTimeMicros('2023-07-10T09:30:00-04:00')).toBe(Date.UTC(2023, 6, 10, 13, 30) * 1000);
  });

  it('refuses a naive time and an impossible date', () => {
    expect(() => alpacaRestTimeMicros('2023-07-10T13:30:00')).toThrow(/not an RFC-3339 timestamp/);
    expect(() => alpacaRestTimeMicros('2023-02-30T13:30:00Z')).toThrow(/not a calendar time/);
  });
});

describe('Alpaca REST bars page', () => {
  it('maps every field of a bar, labelled by its start', () => {
    const page = mapAlpacaRestBars({ bars: { DBB: [bar] }, next_page_token: 'abc' }, { ...scope, timeframe: '1m' });
    expect(page.rejected).toEqual([]);
    expect(page.nextPageToken).toBe('abc');
    expect(page.records).toEqual([{
      symbol: 'DBB', timeframe: '1m', provider: 'alpaca', eventTime: Date.UTC(2023, 6, 10, 13, 30) * 1000, ingestTime: 7,
      open: '17.90000000', high: '17.91000000', low: '17.90000000', close: '17.91000000', volume: 3057,
      tradeCount: 12, vwap: '17.90512300', revision: 1, // settled: its response time in ms, at least 1
    }]);
  });

  it('reads a recording without trade count or vwap as nulls', () => {
    const { n: _n, vw: _vw, ...plain } = bar;
    const [record] = mapAlpacaRestBars({ bars: { DBB: [plain] }, next_page_token: null }, { ...scope, timeframe: '1m' }).records;
    expect(record).toMatchObject({ tradeCount: null, vwap: null });
  });

  it('expands a price printed in exponent form', () => {
    const [record] = mapAlpacaRestBars({ bars: { DBB: [{ ...bar, l: 5e-7 }] }, next_page_token: null }, { ...scope, timeframe: '1m' }).records;
    expect(record.low).toBe('0.00000050');
  });

  it('rejects a malformed item with its reason and keeps the rest of the page', () => {
    const bad = { ...bar, t: '2023-07-10T13:31:00Z', h: '17.91' };
    const page = mapAlpacaRestBars({ bars: { DBB: [bar, bad] }, next_page_token: null }, { ...scope, timeframe: '1m' });
    expect(page.records).toHaveLength(1);
    expect(page.rejected).toEqual([{ symbol: 'DBB', index: 1, item: bad, reason: 'h: Expected number, received string' }]);
  });

  it('rejects a price finer than 8 decimals instead of rounding it', () => {
    const page = mapAlpacaRestBars({ bars: { DBB: [{ ...bar, o: 17.123456789 }] }, next_page_token: null }, { ...scope, timeframe: '1m' });
    expect(page.rejected[0].reason).toMatch(/^o: 17.123456789 has more than 8 fraction digits/);
  });

  it('rejects a fractional volume, a bar outside the window and a symbol not asked for', () => {
    const page = mapAlpacaRestBars({
      bars: { DBB: [{ ...bar, v: 1.5 }, { ...bar, t: '2023-07-11T13:30:00Z' }], QQQ: [bar] }, next_page_token: null,
    }, { ...scope, timeframe: '1m' });
    expect(page.rejected.map((r) => r.reason)).toEqual([
      'v: Expected integer, received float', 't is outside the requested [start, end)', 'symbol QQQ was not requested',
    ]);
  });

  it('takes a null bars object as an empty page', () => {
    expect(mapAlpacaRestBars({ bars: null, next_page_token: null }, { ...scope, timeframe: '1m' })).toEqual({ records: [], rejected: [], nextPageToken: null });
  });

  it('refuses a page whose envelope is not Alpaca\'s', () => {
    expect(() => mapAlpacaRestBars({ data: [] }, { ...scope, timeframe: '1m' })).toThrow(/bars page is malformed: bars: Required/);
  });
});

describe('Alpaca REST trades and quotes pages', () => {
  const trade = { t: '2023-07-10T13:30:00.086175744Z', i: 52983525029461, x: 'V', p: 17.9, s: 100, c: ['@', 'I'], z: 'B' };

  it('maps a trade and its correction flag', () => {
    const page = mapAlpacaRestTrades({ trades: { DBB: [trade, { ...trade, i: 2, u: 'canceled' }] }, next_page_token: null }, scope);
    expect(page.records[0]).toEqual({
      symbol: 'DBB', provider: 'alpaca', eventTime: Date.UTC(2023, 6, 10, 13, 30) * 1000 + 86_175, ingestTime: 7, price: '17.90000000',
      size: 100, exchange: 'V', tradeId: '52983525029461', conditions: ['@', 'I'], tape: 'B', correction: 'NONE',
    });
    expect(page.records[1].correction).toBe('CANCELLED');
  });

  it('rejects a trade id that a JS number cannot hold exactly', () => {
    const page = mapAlpacaRestTrades({ trades: { DBB: [{ ...trade, i: 2 ** 60 }] }, next_page_token: null }, scope);
    expect(page.rejected[0].reason).toBe('i: trade id above 2^53 cannot be kept exactly');
  });

  it('maps a quote with no active ask', () => {
    const quote = { t: '2023-07-10T13:30:00Z', bx: 'V', bp: 17.89, bs: 2, ax: ' ', ap: 0, as: 0, c: ['R'], z: 'B' };
    const [record] = mapAlpacaRestQuotes({ quotes: { DBB: [quote] }, next_page_token: null }, scope).records;
    expect(record).toMatchObject({ bidPrice: '17.89000000', bidExchange: 'V', askPrice: '0.00000000', askSize: 0, askExchange: null, conditions: ['R'] });
  });
});
