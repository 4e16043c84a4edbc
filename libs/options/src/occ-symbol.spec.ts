import fc from 'fast-check';
import { formatOccSymbol, parseOccSymbol, type OccSymbol } from './occ-symbol';

describe('OCC option symbols (OSI)', () => {
  it('reads the compact form a vendor such as Yahoo prints', () => {
    expect(parseOccSymbol('AAPL240802C00100000')).toEqual({ root: 'AAPL', expiry: '2024-08-02', type: 'C', strike: '100.00000000' });
  });

  it('reads the padded 21-character OSI form and fractional strikes', () => {
    expect(parseOccSymbol('SPY   240801P00551500')).toEqual({ root: 'SPY', expiry: '2024-08-01', type: 'P', strike: '551.50000000' });
    expect(parseOccSymbol('NNDM240816C00002500').strike).toBe('2.50000000');
  });

  it('writes both forms', () => {
    const s: OccSymbol = { root: 'GOOGL', expiry: '2024-08-02', type: 'P', strike: '172.5' };
    expect(formatOccSymbol(s)).toBe('GOOGL240802P00172500');
    expect(formatOccSymbol(s, { padded: true })).toBe('GOOGL 240802P00172500');
  });

  it('names what is wrong with a bad symbol', () => {
    expect(() => parseOccSymbol('AAPL240802X00100000')).toThrow(/"240802X00100000" is not yymmdd, C or P and 8 strike digits/);
    expect(() => parseOccSymbol('AAPL240230C00100000')).toThrow(/expiry 240230 is not a calendar date/);
    expect(() => parseOccSymbol('aapl240802C00100000')).toThrow(/root "aapl"/);
    expect(() => parseOccSymbol('TOOLONG240802C00100000')).toThrow(/length 22/);
    expect(() => parseOccSymbol('AAPL240802C00000000')).toThrow(/strike is zero/);
  });

  it('refuses strikes OSI cannot encode', () => {
    const base: OccSymbol = { root: 'AAPL', expiry: '2024-08-02', type: 'C', strike: '1' };
    expect(() => formatOccSymbol({ ...base, strike: '100.0005' })).toThrow(/more than 3 decimals/);
    expect(() => formatOccSymbol({ ...base, strike: '100000' })).toThrow(/outside OSI/);
    expect(() => formatOccSymbol({ ...base, expiry: '1999-12-31' })).toThrow(/2000-2099/);
  });

  const symbols = fc.record({
    root: fc.tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), fc.stringMatching(/^[A-Z0-9]{0,5}$/)).map(([a, b]) => a + b),
    expiry: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    type: fc.constantFrom<'C' | 'P'>('C', 'P'),
    strike: fc.integer({ min: 1, max: 99_999_999 }).map((units) => `${Math.floor(units / 1000)}.${String(units % 1000).padStart(3, '0')}00000`),
  });

  it('round-trips any symbol through either form', () => {
    fc.assert(
      fc.property(symbols, fc.boolean(), (s, padded) => {
        const text = formatOccSymbol(s, { padded });
        expect(text.length).toBe(padded ? 21 : s.root.length + 15);
        expect(parseOccSymbol(text)).toEqual(s);
        expect(formatOccSymbol(parseOccSymbol(text), { padded })).toBe(text);
      }),
    );
  });
});
