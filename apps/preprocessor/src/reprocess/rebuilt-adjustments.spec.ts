import type { AdjustmentSegmentRecord, CorporateActionRecord, RawBar } from '@md/contracts';
import { newYorkMidnightUs } from '@md/market';
import { RebuiltAdjustments, referenceSpans, scheduleOf } from './rebuilt-adjustments';

const DAY = 86_400_000_000;
const at = (iso: string) => Date.parse(iso) * 1000;
const bar = (iso: string, close: string, high = close): RawBar => ({
  symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime: at(iso), ingestTime: 0, revision: 0,
  open: close, high, low: close, close, volume: 100, tradeCount: null, vwap: null,
});
const dividend = (exDate: string, amount: string, referencePrice: string | null): Omit<CorporateActionRecord, 'ingestTime'> => ({
  symbol: 'DBB', exDate, kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount, referencePrice, provider: 'test', revision: 0,
});
const split = (exDate: string, to: number, from: number): Omit<CorporateActionRecord, 'ingestTime'> => ({
  symbol: 'DBB', exDate, kind: 'SPLIT', ratioTo: to, ratioFrom: from, amount: null, referencePrice: null, provider: 'test', revision: 0,
});

describe('adjustments rebuilt from stored actions and bars', () => {
  it('resolves a dividend stored without a reference price from the last regular close before its ex-date', () => {
    const rebuilt = new RebuiltAdjustments([dividend('2024-05-09', '0.25', null), split('2024-05-10', 2, 1)]);
    // Waiting for its close, the dividend adds nothing yet; the split applies at once.
    expect(rebuilt.factorsAt(at('2024-05-08T15:00:00Z'))).toEqual({ splitFactor: 0.5, dividendFactor: 1 });
    rebuilt.observe(bar('2024-05-08T19:58:00Z', '20.245'));
    rebuilt.observe(bar('2024-05-08T19:59:00Z', '20.30', '20.00')); // invalid (high below low): not the close
    rebuilt.observe(bar('2024-05-08T21:00:00Z', '20.50')); // post-market: not the close
    rebuilt.observe(bar('2024-05-09T13:30:00Z', '20.00'));
    expect(rebuilt.factorsAt(at('2024-05-08T15:00:00Z'))).toEqual({ splitFactor: 0.5, dividendFactor: 1 - 0.25 / 20.245 });
    expect(rebuilt.factorsAt(at('2024-05-09T15:00:00Z'))).toEqual({ splitFactor: 0.5, dividendFactor: 1 });
    expect(rebuilt.factorsAt(at('2024-05-10T15:00:00Z'))).toEqual({ splitFactor: 1, dividendFactor: 1 });
    expect(rebuilt.dividendReferences()).toEqual([{ exDate: '2024-05-09', amount: '0.25', referencePrice: 20.245 }]);
  });

  it('takes a stored reference price as given, and reports an action the rules refuse', () => {
    const rebuilt = new RebuiltAdjustments([dividend('2024-05-09', '0.25', '25.00000000'), dividend('2024-05-11', '0.10', '20')]);
    expect(rebuilt.factorsAt(at('2024-05-08T15:00:00Z'))).toEqual({ splitFactor: 1, dividendFactor: 0.99 });
    expect(rebuilt.refused).toEqual([expect.stringContaining('2024-05-11 is not an NYSE trading day')]);
  });

  it('finds the spans of stored bars that dividends without a reference price need, merged in time order', () => {
    const spans = referenceSpans([dividend('2024-06-03', '0.1', null), dividend('2024-05-09', '0.1', null), dividend('2023-01-05', '0.1', '20'), split('2022-01-05', 2, 1)]);
    expect(spans).toEqual([{ fromUs: newYorkMidnightUs('2024-05-09') - 60 * DAY, toUs: newYorkMidnightUs('2024-06-03') + 7 * DAY }]);
    expect(referenceSpans([dividend('2024-01-09', '0.1', null), dividend('2024-05-09', '0.1', null)])).toHaveLength(2);
  });

  it('owes no restatement when the stored schedule is the rebuilt one, and one from nothing stored', () => {
    const rebuilt = new RebuiltAdjustments([split('2024-05-10', 2, 1)]);
    const stored: AdjustmentSegmentRecord[] = [
      { fromTime: null, toTime: newYorkMidnightUs('2024-05-10'), splitFactor: 0.5, dividendFactor: 1 },
      { fromTime: newYorkMidnightUs('2024-05-10'), toTime: null, splitFactor: 1, dividendFactor: 1 },
    ];
    expect(rebuilt.changedFrom(scheduleOf(stored))).toEqual([]);
    expect(rebuilt.changedFrom(scheduleOf([]))).toEqual([{ fromUs: null, untilExclusiveUs: newYorkMidnightUs('2024-05-10'), splitFactor: 0.5, dividendFactor: 1 }]);
  });
});
