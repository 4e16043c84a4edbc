import { optionPrice } from './black-scholes';
import { moneynessBracket, paritySpot, type ParityQuote } from './underlying-spot';

const market = { rate: 0.05, dividendYield: 0.01, years: 0.1 };

/** A quote a cent either side of the model price at spot 101.3. */
function quote(type: 'C' | 'P', strike: number): ParityQuote {
  const price = optionPrice({ ...market, type, spot: 101.3, strike, volatility: 0.3 });
  return { type, strike, bid: price - 0.01, ask: price + 0.01, inTheMoney: type === 'C' ? strike < 101.3 : strike > 101.3 };
}

describe('spot from put-call parity', () => {
  const chain = [90, 95, 100, 105, 110].flatMap((k) => [quote('C', k), quote('P', k)]);

  it('recovers the spot that priced a European chain', () => {
    expect(paritySpot(chain, market)).toBeCloseTo(101.3, 9);
  });

  it('ignores one-sided and crossed quotes and says null when no strike has both', () => {
    const oneSided = chain.map((q) => (q.type === 'P' ? { ...q, bid: 0 } : q));
    expect(paritySpot(oneSided, market)).toBeNull();
    expect(paritySpot(chain.map((q) => ({ ...q, ask: q.bid! - 1 })), market)).toBeNull();
  });

  it('keeps the estimate between the strikes the moneyness flags allow', () => {
    expect(moneynessBracket(chain)).toEqual([100, 105]);
    const stale = chain.map((q) => ({ ...q, bid: q.bid! + (q.type === 'C' ? 8 : 0), ask: q.ask! + (q.type === 'C' ? 8 : 0) }));
    expect(paritySpot(stale, market)).toBe(105);
  });

  it('does without flags that contradict each other', () => {
    const contradicting = [...chain, { type: 'C' as const, strike: 120, bid: null, ask: null, inTheMoney: true }];
    expect(paritySpot(contradicting, market)).toBeCloseTo(101.3, 9);
  });
});
