import fc from 'fast-check';
import { InvalidRecordError } from '@md/contracts';
import { mapEtradeOptionChain, mapEtradeQuotes } from './etrade';

// Shapes follow the samples of E*TRADE's "Get Quotes" and "Get Option Chains" pages.
const ctx = { provider: 'etrade', ingestTime: 7, symbols: ['GOOG'] };
const quoteData = {
  dateTime: '15:17:00 EDT 06-20-2018', dateTimeUTC: 1529522220, quoteStatus: 'DELAYED', ahFlag: 'false', hasMiniOptions: false,
  All: { adjustedFlag: false, ask: 1175.79, askSize: 100, askTime: '15:17:00 EDT 06-20-2018', bid: 1175.29, bidExchange: '', bidSize: 100, lastTrade: 1175.74 },
  Product: { symbol: 'GOOG', securityType: 'EQ' },
};
const call = {
  optionCategory: 'STANDARD', optionRootSymbol: 'COP', timeStamp: 1650561786, adjustedFlag: false, displaySymbol: "COP May 20 '22 $97 Call",
  optionType: 'CALL', strikePrice: 97, symbol: 'COP', bid: 5.95, ask: 6.2, bidSize: 461, askSize: 43, inTheMoney: 'y', volume: 0, openInterest: 0,
  netChange: 0, lastPrice: 0, osiKey: 'COP---220520C00097000',
  OptionGreeks: { rho: 0.0383, vega: 0.1051, theta: -0.0754, delta: 0.6355, gamma: 0.0345, iv: 0.3988, currentValue: true },
};
const put = { ...call, optionType: 'PUT', osiKey: 'COP---220520P00097000', bid: 0.4, ask: 0.5, lastPrice: 0.45, OptionGreeks: undefined };
const chain = (pairs: unknown[]) => ({ OptionChainResponse: { OptionPair: pairs, timeStamp: 1650561786, quoteType: 'DELAYED', nearPrice: 97.1, SelectedED: { month: 5, year: 2022, day: 20 } } });

describe('E*TRADE quotes', () => {
  it('maps a detailFlag=ALL quote to a canonical quote at dateTimeUTC', () => {
    expect(mapEtradeQuotes({ QuoteResponse: { QuoteData: [quoteData] } }, ctx)).toEqual({ rejected: [], records: [{
      symbol: 'GOOG', provider: 'etrade', eventTime: 1529522220 * 1_000_000, ingestTime: 7, bidPrice: '1175.29000000', bidSize: 100,
      bidExchange: null, askPrice: '1175.79000000', askSize: 100, askExchange: null, conditions: [], tape: null,
    }] });
  });

  it('rejects a quote without its All block, one not asked for, and an E*TRADE message', () => {
    const { All: _all, ...intraday } = quoteData;
    const body = { QuoteResponse: {
      QuoteData: [intraday, { ...quoteData, Product: { symbol: 'MSFT' } }],
      Messages: { Message: [{ description: 'XYZ is not a valid symbol', code: 10033, type: 'WARNING' }] },
    } };
    expect(mapEtradeQuotes(body, ctx).rejected.map((r) => [r.at, r.reason])).toEqual([
      ['QuoteData[0]', 'quote: All: Required (request detailFlag=ALL)'],
      ['QuoteData[1]', 'quote: symbol MSFT was not requested'],
      ['Messages', 'E*TRADE WARNING 10033: XYZ is not a valid symbol'],
    ]);
  });

  it('refuses an answer that is not a QuoteResponse', () => {
    expect(() => mapEtradeQuotes({ Error: { code: 1002, message: 'x' } }, ctx)).toThrow(/quote response is malformed/);
  });
});

describe('E*TRADE option chains', () => {
  it('maps both legs of a pair, the OSI key made compact and greeks kept as given', () => {
    const { records, rejected } = mapEtradeOptionChain(chain([{ Call: call, Put: put }]));
    expect(rejected).toEqual([]);
    expect(records).toEqual([
      {
        occSymbol: 'COP220520C00097000', underlying: 'COP', expiry: '2022-05-20', strike: '97.00000000', type: 'C',
        bid: '5.95000000', ask: '6.20000000', last: '0.00000000', volume: 0, openInterest: 0,
        iv: 0.3988, delta: 0.6355, gamma: 0.0345, theta: -0.0754, vega: 0.1051, rho: 0.0383, quoteTime: 1650561786 * 1_000_000,
      },
      expect.objectContaining({ occSymbol: 'COP220520P00097000', type: 'P', bid: '0.40000000', iv: null, delta: null }),
    ]);
  });

  it('rejects a leg whose osiKey disagrees with its type, strike or the chain expiry', () => {
    const pairs = [{ Call: { ...call, optionType: 'PUT' } }, { Call: { ...call, strikePrice: 98 } }, { Put: { ...put, osiKey: 'COP---220527P00097000' } }, 'x'];
    expect(mapEtradeOptionChain(chain(pairs)).rejected.map((r) => [r.at, r.reason])).toEqual([
      ['OptionPair[0].Call', 'osiKey COP---220520C00097000 is not a PUT'],
      ['OptionPair[1].Call', 'osiKey COP---220520C00097000 has another strike than 98'],
      ['OptionPair[2].Put', 'osiKey COP---220527P00097000 expires on another day than the chain\'s 2022-05-20'],
      ['OptionPair[3]', 'option: item: Expected object, received string'],
    ]);
  });

  it('throws nothing but InvalidRecordError, whatever the answer', () => {
    const leg = fc.dictionary(fc.constantFrom('osiKey', 'strikePrice', 'optionType', 'bid', 'timeStamp', 'OptionGreeks', 'symbol'), fc.jsonValue())
      .map((extra) => ({ ...call, ...extra }));
    fc.assert(fc.property(fc.jsonValue(), fc.array(fc.record({ Call: leg, Put: fc.jsonValue() }, { requiredKeys: [] })), (body, pairs) => {
      for (const run of [() => mapEtradeOptionChain(body), () => mapEtradeOptionChain(chain(pairs)), () => mapEtradeQuotes({ QuoteResponse: { QuoteData: pairs } }, ctx)]) {
        try {
          run();
        } catch (err) {
          if (!(err instanceof InvalidRecordError)) return false;
        }
      }
      return true;
    }), { numRuns: 1000 });
  });
});
