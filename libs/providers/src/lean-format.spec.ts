import { leanFactorsOn, leanFileDate, parseLeanDailyBars, parseLeanFactorFile, parseLeanMinuteBars } from './lean-format';
import { microsToIso } from '@md/market';

// Lines copied from fixtures/lean (AAPL, QuantConnect LEAN sample data, Apache-2.0).
describe('LEAN minute trade bars', () => {
  it('reads the first regular-session bar after the 2014 split at 09:30 New York (EDT)', () => {
    const [bar] = parseLeanMinuteBars('34200000,926800,929500,925000,927300,2467914\n', '2014-06-09');
    expect(microsToIso(bar.eventTime)).toBe('2014-06-09T13:30:00.000Z');
    expect(bar).toMatchObject({ open: '92.68000000', high: '92.95000000', low: '92.50000000', close: '92.73000000', volume: 2467914 });
  });

  it('puts 09:30 at 14:30 UTC in winter (EST)', () => {
    const [bar] = parseLeanMinuteBars('34200000,1,1,1,1,1', leanFileDate('20140106_trade.zip'));
    expect(microsToIso(bar.eventTime)).toBe('2014-01-06T14:30:00.000Z');
  });

  it('skips blank lines and names the line and format of a bad one', () => {
    const text = '14400000,6455700,6455700,922300,924200,600\r\n\r\n14460000,924600,924600,9246.5,924600,59\r\n';
    expect(() => parseLeanMinuteBars(text, '2014-06-09', '20140609_trade.zip')).toThrow(
      '20140609_trade.zip line 3: price "9246.5" is not a whole number of 1/10000 dollars; expected ms since New York midnight,open,high,low,close,volume',
    );
    expect(() => parseLeanMinuteBars('14400000,1,1,1,1', '2014-06-09')).toThrow('LEAN minute file 2014-06-09 line 1: got 5 fields');
    expect(() => parseLeanMinuteBars('86400000,1,1,1,1,1', '2014-06-09')).toThrow(/past the end of the day/);
  });
});

describe('LEAN daily trade bars', () => {
  it('reads the first AAPL bar of 1998 at New York midnight (EST)', () => {
    const [bar] = parseLeanDailyBars('19980102 00:00,136300,162500,135000,162500,6315000');
    expect(microsToIso(bar.eventTime)).toBe('1998-01-02T05:00:00.000Z');
    expect(bar).toMatchObject({ open: '13.63000000', close: '16.25000000', volume: 6315000 });
  });

  it('rejects a date that does not exist', () => {
    expect(() => parseLeanDailyBars('19980230 00:00,1,1,1,1,1', 'aapl.zip')).toThrow(/aapl.zip line 1: "19980230" does not start with a valid yyyyMMdd date/);
  });
});

describe('LEAN factor file', () => {
  const rows = parseLeanFactorFile('20140507,0.9253111,0.142857,592.34\n20140606,0.9304792,0.142857,645.57\n20501231,1,1,0\n');

  it('reads dates, factors and reference prices', () => {
    expect(rows[0]).toEqual({ date: '2014-05-07', priceFactor: 0.9253111, splitFactor: 0.142857, referencePrice: 592.34 });
  });

  it('finds the first row dated on or after a bar', () => {
    expect(leanFactorsOn(rows, '2014-05-07')?.date).toBe('2014-05-07');
    expect(leanFactorsOn(rows, '2014-05-08')?.date).toBe('2014-06-06');
    expect(leanFactorsOn(rows, '2014-06-09')?.date).toBe('2050-12-31');
    expect(leanFactorsOn(rows, '2051-01-01')).toBeUndefined();
  });

  it('accepts the old three-column rows and rejects a zero factor', () => {
    expect(parseLeanFactorFile('20140606,0.9304792,0.142857')[0].referencePrice).toBeNull();
    expect(() => parseLeanFactorFile('20140606,0,0.142857,645.57')).toThrow('LEAN factor file line 1: price factor "0" is not a positive number');
  });
});
