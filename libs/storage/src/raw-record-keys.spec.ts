import type { QuoteRecord, TradeRecord } from '@md/contracts';
import { canonicalDecimal, quoteKeys, tradeKeys } from './raw-record-keys';

const T0 = Date.UTC(2013, 9, 7, 13, 30) * 1000;
const trade = (over: Partial<TradeRecord> = {}): TradeRecord => ({
  symbol: 'SPY', provider: 'lean', eventTime: T0, ingestTime: T0, price: '168.90000000', size: 100, exchange: 'P', tradeId: null,
  conditions: [], tape: null, correction: 'NONE', ...over,
});
const quote = (over: Partial<QuoteRecord> = {}): QuoteRecord => ({
  symbol: 'SPY', provider: 'alpaca', eventTime: T0, ingestTime: T0, bidPrice: '168.89000000', bidSize: 300, bidExchange: 'P',
  askPrice: '168.90000000', askSize: 200, askExchange: 'Q', conditions: ['R'], tape: 'C', ...over,
});

describe('raw record keys', () => {
  it("keys a trade with a provider id by that id, so a correction's key differs only in its flag column", () => {
    expect(tradeKeys([trade({ tradeId: '20131007:17' }), trade({ tradeId: '20131007:17', correction: 'CANCELLED' })])).toEqual(['20131007:17', '20131007:17']);
  });

  it('numbers identical prints of the same microsecond apart, and the same batch again gets the same keys', () => {
    const batch = [trade(), trade({ size: 200 }), trade(), trade({ eventTime: T0 + 1 }), trade()];
    const keys = tradeKeys(batch);
    expect(keys.map((k) => k.slice(k.indexOf('.')))).toEqual(['.0', '.0', '.1', '.0', '.2']);
    expect(keys[0].slice(0, -2)).toBe(keys[2].slice(0, -2));
    expect(keys[1]).not.toBe(keys[0]);
    expect(new Set(keys.filter((_, i) => batch[i].eventTime === T0)).size).toBe(4);
    expect(tradeKeys(batch)).toEqual(keys);
  });

  it('hashes the content a print is told apart by, not how a price was spelled', () => {
    const [base] = tradeKeys([trade()]);
    expect(tradeKeys([trade({ price: '168.9' })])).toEqual([base]);
    for (const other of [{ price: '168.91' }, { size: 101 }, { exchange: 'Q' }, { exchange: null }, { conditions: ['I'] }, { tape: 'C' }]) {
      expect(tradeKeys([trade(other)])).not.toEqual([base]);
    }
    // Conditions are a list: ['a,b'] is not ['a', 'b'].
    expect(tradeKeys([trade({ conditions: ['a,b'] })])).not.toEqual(tradeKeys([trade({ conditions: ['a', 'b'] })]));
  });

  it('keys quotes by content and ordinal, so a repeated quote of the same microsecond is kept and a replay adds nothing', () => {
    const keys = quoteKeys([quote(), quote({ askSize: 100 }), quote(), quote({ symbol: 'QQQ' })]);
    expect(keys.map((k) => k.slice(-2))).toEqual(['.0', '.0', '.1', '.0']);
    expect(keys[0]).toMatch(/^[0-9a-f]{16}\.0$/);
    expect(quoteKeys([quote({ bidPrice: '168.89' })])).toEqual([keys[0]]);
  });

  it('spells a decimal one way', () => {
    expect(['168.90000000', '168.9', '0168.900', '0.50', '100', '100.000', '-0.0', '-1.50'].map(canonicalDecimal))
      .toEqual(['168.9', '168.9', '168.9', '0.5', '100', '100', '0', '-1.5']);
  });
});
