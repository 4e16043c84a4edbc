import { symbolSeries, type SymbolChange } from './symbol-lineage';

const change = (fromSymbol: string, toSymbol: string, effectiveDate: string): SymbolChange => ({ fromSymbol, toSymbol, effectiveDate });
const periods = (symbol: string, changes: SymbolChange[]) => symbolSeries(symbol, changes).map((p) => `${p.symbol}[${p.fromDate ?? ''},${p.toDate ?? ''})>${p.laterSymbols.join('+')}`);

describe('symbolSeries', () => {
  it('is the ticker alone, unbounded, without changes', () => {
    expect(periods('AAPL', [change('FB', 'META', '2022-06-09')])).toEqual(['AAPL[,)>']);
  });

  it('lists the later tickers each period takes adjustments from, without its own', () => {
    const changes = [change('UW', 'WMI', '1998-07-17'), change('WMI', 'WM', '2009-08-05')];
    expect(periods('WMI', changes)).toEqual(['UW[,1998-07-17)>WMI+WM', 'WMI[1998-07-17,2009-08-05)>WM', 'WM[2009-08-05,)>']);
    // A reused ticker's own schedule covers both its periods: the later one is not counted twice.
    const spwr = [change('SPWR', 'SPWRA', '2008-09-30'), change('SPWRA', 'SPWR', '2011-11-17')];
    expect(periods('SPWR', spwr)).toEqual(['SPWR[,2008-09-30)>SPWRA', 'SPWRA[2008-09-30,2011-11-17)>SPWR', 'SPWR[2011-11-17,)>']);
  });

  it('reads a ticker taken over by another company as that company: the latest period', () => {
    // ABC renamed to XYZ in 2010; a new listing used ABC from 2015 and was renamed to NEW in 2020.
    const changes = [change('ABC', 'XYZ', '2010-01-04'), change('ABC', 'NEW', '2020-01-02')];
    expect(periods('ABC', changes)).toEqual(['ABC[2010-01-04,2020-01-02)>NEW', 'NEW[2020-01-02,)>']);
    expect(periods('XYZ', changes)).toEqual(['ABC[,2010-01-04)>XYZ', 'XYZ[2010-01-04,)>']);
  });

  it('stops at a loop of changes on one day instead of running forever', () => {
    const loop = [change('A', 'B', '2020-01-02'), change('B', 'A', '2020-01-02')];
    expect(symbolSeries('A', loop).length).toBeLessThanOrEqual(64);
  });
});
