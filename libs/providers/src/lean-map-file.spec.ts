import { readFileSync } from 'node:fs';
import { fixturePath } from '@md/fixtures';
import { symbolSeries } from '@md/market';
import { parseLeanMapFile, tickerChanges, tickerOn } from './lean-map-file';

// Real LEAN map files (fixtures/lean/map_files, QuantConnect LEAN, Apache-2.0) against the first
// trading day under the new ticker as the companies and exchanges announced it, kept here by hand:
//   META   Meta Platforms, "will begin trading under META on June 9, 2022" (Meta newsroom, 2022-06-09)
//   GOOGL  Google class A moved to GOOGL, class C took GOOG, on April 3, 2014 (Google 8-K, 2014-04-02)
//   GOOG   the class C shares traded when-issued as GOOCV from March 27, 2014 (same 8-K)
//   FOXA   21st Century Fox began trading on Nasdaq as FOXA on July 1, 2013 (News Corp release, 2013-06-28)
//   TWX    AOL Time Warner returned to the NYSE ticker TWX on October 16, 2003 (Time Warner release)
//   SPWRA  SunPower class A renamed SPWRA on September 30, 2008, when Cypress spun off its class B (SunPower 8-K)
const map = (name: string) => parseLeanMapFile(readFileSync(fixturePath(`lean/map_files/${name}.csv`), 'utf8'), `${name}.csv`);

describe('LEAN map files', () => {
  it('dates each rename on the first trading day under the new ticker, as announced', () => {
    expect(tickerChanges(map('meta'))).toEqual([{ fromSymbol: 'FB', toSymbol: 'META', effectiveDate: '2022-06-09' }]);
    expect(tickerChanges(map('googl'))).toEqual([{ fromSymbol: 'GOOG', toSymbol: 'GOOGL', effectiveDate: '2014-04-03' }]);
    expect(tickerChanges(map('goog'))).toEqual([{ fromSymbol: 'GOOCV', toSymbol: 'GOOG', effectiveDate: '2014-04-03' }]);
    expect(tickerChanges(map('foxa'))).toEqual([{ fromSymbol: 'NWSA', toSymbol: 'FOXA', effectiveDate: '2013-07-01' }]);
    expect(tickerChanges(map('twx'))).toEqual([{ fromSymbol: 'AOL', toSymbol: 'TWX', effectiveDate: '2003-10-16' }]);
    expect(tickerChanges(map('spwr'))[0]).toEqual({ fromSymbol: 'SPWR', toSymbol: 'SPWRA', effectiveDate: '2008-09-30' });
  });

  it('reads every change of a company with several names, and none of a company with one', () => {
    expect(tickerChanges(map('wm')).map((c) => `${c.fromSymbol}>${c.toSymbol}@${c.effectiveDate}`)).toEqual(['UW>WMI@1998-07-17', 'WMI>WM@2009-08-05']);
    expect(tickerChanges(map('tfcfa')).map((c) => `${c.fromSymbol}>${c.toSymbol}`)).toEqual(['NWSA>FOXA', 'FOXA>TFCFA']);
    expect(tickerChanges(map('aapl'))).toEqual([]);
  });

  it('names the ticker in use on a date, the row date included', () => {
    const wm = map('wm');
    expect([tickerOn(wm, '1998-07-16'), tickerOn(wm, '1998-07-17'), tickerOn(wm, '2009-08-04'), tickerOn(wm, '2009-08-05'), tickerOn(wm, '2024-01-02')]).toEqual(['UW', 'WMI', 'WMI', 'WM', 'WM']);
  });

  it('gives one series through every ticker, asked by any of them, a reused ticker included', () => {
    const spwr = tickerChanges(map('spwr'));
    const periods = (s: string) => symbolSeries(s, spwr).map((p) => `${p.symbol}[${p.fromDate ?? ''},${p.toDate ?? ''})`);
    const whole = ['SPWR[,2008-09-30)', 'SPWRA[2008-09-30,2011-11-17)', 'SPWR[2011-11-17,)'];
    expect(periods('SPWR')).toEqual(whole);
    expect(periods('SPWRA')).toEqual(whole);
    for (const name of ['meta', 'googl', 'foxa', 'twx', 'wm', 'tfcfa']) {
      const changes = tickerChanges(map(name));
      const tickers = [changes[0].fromSymbol, ...changes.map((c) => c.toSymbol)];
      const series = tickers.map((t) => symbolSeries(t, changes));
      expect(series.every((s) => JSON.stringify(s) === JSON.stringify(series[0]))).toBe(true);
      expect(series[0].map((s) => s.symbol)).toEqual(tickers);
    }
  });

  it('refuses rows out of order, naming them', () => {
    expect(() => parseLeanMapFile('20220608,fb\n20120518,fb\n', 'meta.csv')).toThrow('meta.csv: row 2012-05-18 is not after 2022-06-08; map file rows run oldest first');
    expect(() => parseLeanMapFile('20120518,fb\n20220608\n', 'meta.csv')).toThrow('meta.csv line 2: ticker undefined is missing or malformed; expected yyyyMMdd,ticker[,exchange]');
  });
});
