import { microsToIso } from '@md/market';
import { newYorkDayClock, parseLeanTradeTick } from './lean-ticks';

// Lines copied from fixtures/lean/tick/spy/20131007_trade.zip (QuantConnect LEAN sample data).
describe('LEAN trade ticks', () => {
  const oct7 = newYorkDayClock('2013-10-07');

  it('reads the first SPY trade of 2013-10-07: 09:30:00.094 EDT, $167.42, 100 on BATS', () => {
    const tick = parseLeanTradeTick('34200094,1674200,100,BATS,20000020,0', oct7);
    expect(microsToIso(tick.eventTime)).toBe('2013-10-07T13:30:00.094Z');
    expect(tick).toMatchObject({ price: '167.42000000', size: 100, exchange: 'BATS', condition: '20000020', suspicious: false });
  });

  it('keeps exchange names with spaces', () => {
    expect(parseLeanTradeTick('34200273,1674300,100,NASDAQ BX,00000001,0', oct7).exchange).toBe('NASDAQ BX');
  });

  it('reads LEAN times as New York wall clock on the days the clocks change', () => {
    expect(microsToIso(newYorkDayClock('2013-11-03')(34_200_000))).toBe('2013-11-03T14:30:00.000Z');
    expect(microsToIso(newYorkDayClock('2014-03-09')(34_200_000))).toBe('2014-03-09T13:30:00.000Z');
    expect(microsToIso(newYorkDayClock('2013-11-04')(34_200_000))).toBe('2013-11-04T14:30:00.000Z');
  });

  it('names the field that is wrong', () => {
    expect(() => parseLeanTradeTick('34200094,1674200,100,BATS,20000020', oct7)).toThrow('got 5 fields');
    expect(() => parseLeanTradeTick('34200094,167.42,100,BATS,20000020,0', oct7)).toThrow('price "167.42" is not a whole number');
    expect(() => parseLeanTradeTick('34200094,0,100,BATS,20000020,0', oct7)).toThrow('price is 0');
    expect(() => parseLeanTradeTick('86400000,1674200,100,BATS,20000020,0', oct7)).toThrow('past the end of the day');
    expect(() => parseLeanTradeTick('34200094,1674200,100,BATS,20000020,yes', oct7)).toThrow('suspicious flag "yes" is not 0 or 1');
  });
});
