import { type CleanBar, InvalidRecordError } from '@md/contracts';
import { newYorkMidnightUs } from './adjustment-schedule';
import type { CorporateAction } from './corporate-actions';
import { SymbolAdjustments } from './symbol-adjustments';

const NY_OFFSET_US = 4 * 3600e6; // June: New York is UTC-4
const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00Z`) * 1000 + NY_OFFSET_US;
const bar = (date: string, hhmm: string, close: string, session: CleanBar['session'] = 'REGULAR'): CleanBar => ({
  symbol: 'AAPL', timeframe: '1m', provider: 'test', eventTime: at(date, hhmm), ingestTime: 0, open: close, high: close, low: close,
  close, volume: 100, tradeCount: null, vwap: null, revision: 0, session, splitFactor: 1, dividendFactor: 1, generation: 0,
});
const split: CorporateAction = { symbol: 'AAPL', exDate: '2014-06-09', kind: 'split', ratio: { to: 7, from: 1 }, provider: 'test', revision: 0 };
const dividend: CorporateAction = { symbol: 'AAPL', exDate: '2014-08-07', kind: 'cash_dividend', amount: '0.47', provider: 'test', revision: 0 };

describe('SymbolAdjustments', () => {
  it('restates the history before a split that arrives after the bars', () => {
    const adj = SymbolAdjustments.fromJSON(undefined);
    adj.observeBar(bar('2014-06-06', '15:59', '645.57'));
    const change = adj.addAction(split);
    expect(change.changed).toEqual([{ fromUs: null, untilExclusiveUs: newYorkMidnightUs('2014-06-09'), splitFactor: 1 / 7, dividendFactor: 1 }]);
    expect(adj.factorsAt(at('2014-06-06', '15:59')).splitFactor).toBeCloseTo(1 / 7, 15);
    expect(adj.factorsAt(at('2014-06-09', '09:30')).splitFactor).toBe(1);
  });

  it('changes nothing when the same action arrives again (a replay)', () => {
    const adj = SymbolAdjustments.fromJSON(undefined);
    adj.addAction(split);
    expect(adj.addAction(split).changed).toEqual([]);
  });

  it('waits for the close before a dividend announced ahead of its ex-date, then restates', () => {
    const adj = SymbolAdjustments.fromJSON(undefined);
    adj.observeBar(bar('2014-08-05', '15:59', '95.12'));
    expect(adj.addAction(dividend).changed).toEqual([]); // 08-06's close is not known yet
    expect(adj.observeBar(bar('2014-08-06', '15:59', '94.96'))).toBeUndefined();
    expect(adj.observeBar(bar('2014-08-07', '04:00', '94.50', 'PRE'))).toBeUndefined();
    const change = adj.observeBar(bar('2014-08-07', '09:30', '94.50'))!;
    expect(change.changed).toHaveLength(1);
    expect(change.changed[0].dividendFactor).toBeCloseTo(1 - 0.47 / 94.96, 12);
    expect(change.changed[0].untilExclusiveUs).toBe(newYorkMidnightUs('2014-08-07'));
  });

  it('uses a provider reference price when it gives one', () => {
    const adj = SymbolAdjustments.fromJSON(undefined);
    const change = adj.addAction(dividend, 94.96);
    expect(change.changed[0].dividendFactor).toBeCloseTo(1 - 0.47 / 94.96, 12);
  });

  it('rejects a past dividend whose previous close it never saw, saying how to fix it', () => {
    const adj = SymbolAdjustments.fromJSON(undefined);
    adj.observeBar(bar('2014-09-02', '10:00', '101.00'));
    expect(() => adj.addAction(dividend)).toThrow(InvalidRecordError);
    expect(() => adj.addAction(dividend)).toThrow(/resend the action with referencePrice/);
  });

  it('survives a JSON round trip (the changelog) with the same factors', () => {
    const adj = SymbolAdjustments.fromJSON(undefined);
    adj.observeBar(bar('2014-06-06', '15:59', '645.57'));
    adj.addAction(split);
    const back = SymbolAdjustments.fromJSON(JSON.parse(JSON.stringify(adj)));
    expect(back.factorsAt(at('2014-06-06', '12:00'))).toEqual(adj.factorsAt(at('2014-06-06', '12:00')));
    expect(back.addAction(split).changed).toEqual([]);
  });
});
