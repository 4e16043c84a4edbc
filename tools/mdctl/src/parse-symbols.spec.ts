import { parseDay, parseSymbols } from './parse-symbols';

describe('parseSymbols', () => {
  it('upper-cases, trims and de-duplicates', () => {
    expect(parseSymbols(' dbb, SPY ,dbb,brk.b')).toEqual(['DBB', 'SPY', 'BRK.B']);
  });

  it.each(['DB*', 'SPY,A B', '1ABC', 'TOOLONGTICKER', 'BRK..B', 'AAPL240719C00100000'])('refuses the pattern "%s", naming the bad symbol', (text) => {
    expect(() => parseSymbols(text)).toThrow(/^--symbols: ".+" is not a ticker symbol/);
  });

  it('refuses an empty list', () => {
    expect(() => parseSymbols(' , ')).toThrow('--symbols is empty');
  });
});

describe('parseDay', () => {
  it('accepts YYYY-MM-DD and refuses anything else', () => {
    expect(parseDay('2023-07-10', '--from')).toBe('2023-07-10');
    expect(() => parseDay('10/07/2023', '--from')).toThrow('--from "10/07/2023" is not a date: use YYYY-MM-DD');
  });
});
