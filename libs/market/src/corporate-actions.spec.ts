import { type CorporateAction, corporateActionViolations, latestRevisions, parseCorporateActionsCsv } from './corporate-actions';

// Real AAPL actions (fixtures/corporate-actions/aapl.csv).
const split: CorporateAction = { symbol: 'AAPL', exDate: '2014-06-09', kind: 'split', ratio: { to: 7, from: 1 }, provider: 'test', revision: 0 };
const dividend: CorporateAction = { symbol: 'AAPL', exDate: '2014-05-08', kind: 'cash_dividend', amount: '3.29', provider: 'test', revision: 0 };

describe('corporate action validation', () => {
  it('accepts the real 2014 split and dividend', () => {
    expect(corporateActionViolations(split)).toEqual([]);
    expect(corporateActionViolations(dividend)).toEqual([]);
  });

  it('rejects a non-positive split ratio and says how to write one', () => {
    expect(corporateActionViolations({ ...split, ratio: { to: 0, from: 1 } })).toEqual([
      'AAPL split ex 2014-06-09: ratio must be two positive numbers, got to=0 from=1; a 7-for-1 split is { to: 7, from: 1 }',
    ]);
  });

  it('rejects a negative dividend but accepts zero, which cancels one at a higher revision', () => {
    expect(corporateActionViolations({ ...dividend, amount: '-3.29' })[0]).toMatch(/amount -3.29 is negative; give the cash paid per share/);
    expect(corporateActionViolations({ ...dividend, amount: '0' })).toEqual([]);
  });

  it('rejects a malformed date, a weekend ex-date and a dividend without amount', () => {
    expect(corporateActionViolations({ ...split, exDate: '2014/06/09' })[0]).toMatch(/"2014\/06\/09" is not a YYYY-MM-DD New York date/);
    expect(corporateActionViolations({ ...split, exDate: '2014-06-08' })[0]).toMatch(/2014-06-08 is not an NYSE trading day \(weekend\)/);
    const { amount: _amount, ...noAmount } = dividend;
    expect(corporateActionViolations(noAmount)[0]).toMatch(/needs amount/);
  });

  it('rejects an unknown kind, a lower-case symbol, an empty provider and a fractional revision', () => {
    const bad = { ...dividend, symbol: 'aapl', kind: 'dividend' as never, provider: ' ', revision: 1.5 };
    expect(corporateActionViolations(bad)).toHaveLength(4);
  });
});

describe('latest revisions', () => {
  it('lets a higher revision replace a lower one and ignores a stale duplicate', () => {
    const fixed = { ...dividend, amount: '3.30', revision: 1 };
    expect(latestRevisions([dividend, fixed, dividend, split])).toEqual([fixed, split]);
  });
});

describe('corporate actions CSV', () => {
  const header = 'symbol,ex_date,kind,ratio_to,ratio_from,amount';

  it('reads splits and dividends with canonical amounts', () => {
    const actions = parseCorporateActionsCsv(`${header}\nAAPL,2014-05-08,cash_dividend,,,3.29\n\nAAPL,2014-06-09,split,7,1,\n`, 'ir');
    expect(actions).toEqual([{ ...dividend, amount: '3.29000000', provider: 'ir' }, { ...split, provider: 'ir' }]);
  });

  it('names the line of every bad row', () => {
    const text = `${header}\nAAPL,2014-06-09,split,7,,\nAAPL,2014-05-08,cash_dividend,,,-1\n`;
    expect(() => parseCorporateActionsCsv(text, 'ir', 'aapl.csv')).toThrow(
      /aapl.csv line 2: AAPL split ex 2014-06-09: ratio must be .*got to=7 from=NaN.*\naapl.csv line 3: .*amount -1 is negative/,
    );
  });

  it('lists at most 20 problems of a wholly wrong file', () => {
    const text = `${header}\n${'AAPL,2014-06-09,split,0,1,\n'.repeat(25)}`;
    expect(() => parseCorporateActionsCsv(text, 'ir')).toThrow(/line 21: [^\n]*\n… and 5 more$/);
  });

  it('refuses a header without the expected columns, even with no rows', () => {
    expect(() => parseCorporateActionsCsv('symbol,date\n', 'ir', 'x.csv')).toThrow('x.csv: header lacks ex_date, kind, ratio_to, ratio_from, amount');
  });

  it('wraps a ragged row in a clear error', () => {
    expect(() => parseCorporateActionsCsv(`${header}\nAAPL,2014-06-09\n`, 'ir', 'x.csv')).toThrow(/^x.csv: .*line 2/);
  });
});
