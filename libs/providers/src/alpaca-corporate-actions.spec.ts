import { mapAlpacaCorporateActions } from './alpaca-corporate-actions';

const SCOPE = { provider: 'alpaca', ingestTime: 7 };
// AAPL's 2020 4-for-1 split and a 2024 dividend as Alpaca lists them (CUSIP 037833100).
const SPLIT_2020 = { id: 'a1', symbol: 'AAPL', cusip: '037833100', new_rate: 4, old_rate: 1, process_date: '2020-08-31', ex_date: '2020-08-31', record_date: '2020-08-24', payable_date: '2020-08-28' };
const DIVIDEND = { id: 'a2', symbol: 'AAPL', cusip: '037833100', rate: 0.25, special: false, foreign: false, process_date: '2024-08-15', ex_date: '2024-08-12', record_date: '2024-08-12', payable_date: '2024-08-15' };
const page = (corporate_actions: Record<string, unknown[]>, next_page_token: string | null = null) => ({ corporate_actions, next_page_token });
const record = (fields: object) => ({ referencePrice: null, provider: 'alpaca', revision: 0, ingestTime: 7, ...fields });

describe('Alpaca corporate actions', () => {
  it('maps a forward split and a cash dividend to the records the LEAN path publishes', () => {
    const mapped = mapAlpacaCorporateActions(page({ forward_splits: [SPLIT_2020], cash_dividends: [DIVIDEND] }, 'next'), SCOPE);
    expect(mapped).toEqual({
      records: [
        record({ symbol: 'AAPL', exDate: '2020-08-31', kind: 'SPLIT', ratioTo: 4, ratioFrom: 1, amount: null }),
        record({ symbol: 'AAPL', exDate: '2024-08-12', kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: '0.25000000' }),
      ],
      rejected: [],
      nextPageToken: 'next',
    });
  });

  it('maps a reverse split as to:from and a stock dividend as a (1 + rate):1 split', () => {
    const reverse = { id: 'r', symbol: 'XYZ', old_cusip: 'a', new_cusip: 'b', new_rate: 1, old_rate: 10, process_date: '2023-05-01', ex_date: '2023-05-01' };
    const stock = { id: 's', symbol: 'XYZ', cusip: 'b', rate: 0.05, process_date: '2023-06-01', ex_date: '2023-06-01' };
    const { records, rejected } = mapAlpacaCorporateActions(page({ reverse_splits: [reverse], stock_dividends: [stock] }), SCOPE);
    expect(rejected).toEqual([]);
    expect(records.map((r) => [r.kind, r.ratioTo, r.ratioFrom])).toEqual([['SPLIT', 1, 10], ['SPLIT', 1.05, 1]]);
  });

  it('publishes a renaming reverse split under its symbol and reports the rename', () => {
    const reverse = { id: 'r', symbol: 'OLD', new_symbol: 'NEW', old_cusip: 'a', new_cusip: 'b', new_rate: 1, old_rate: 20, process_date: '2023-05-01', ex_date: '2023-05-01' };
    const { records, rejected } = mapAlpacaCorporateActions(page({ reverse_splits: [reverse] }), SCOPE);
    expect(records).toMatchObject([{ symbol: 'OLD', ratioTo: 1, ratioFrom: 20 }]);
    expect(rejected).toEqual([{ group: 'reverse_splits', index: 0, item: reverse, reason: expect.stringMatching(/^ticker change OLD -> NEW effective 2023-05-01 .*no symbol-change kind/) }]);
  });

  it('rejects, with the reason, what has no record kind or cannot be right, and keeps the rest', () => {
    const spinOff = { id: 'x', source_symbol: 'AAPL', new_symbol: 'SPIN' };
    const body = page({
      spin_offs: [spinOff],
      cash_dividends: [DIVIDEND, { ...DIVIDEND, rate: 0 }, { ...DIVIDEND, currency: 'CAD' }, { ...DIVIDEND, ex_date: '2024-08-10' }, { ...DIVIDEND, ex_date: '12/08/2024' }],
      forward_splits: [{ ...SPLIT_2020, new_rate: 'four' }],
    });
    const { records, rejected } = mapAlpacaCorporateActions(body, SCOPE);
    expect(records).toHaveLength(1);
    expect(rejected.map((r) => `${r.group}[${r.index}] ${r.reason}`)).toEqual([
      'spin_offs[0] spin_offs: md.corporate-actions.v1 has no kind for it (SPLIT and CASH_DIVIDEND only); not published',
      'cash_dividends[1] rate: Number must be greater than 0',
      'cash_dividends[2] currency: is not USD; the bars are in USD, so it cannot adjust them',
      expect.stringMatching(/^cash_dividends\[3\] AAPL cash_dividend ex 2024-08-10: exDate 2024-08-10 is not an NYSE trading day/),
      'cash_dividends[4] ex_date: expected YYYY-MM-DD',
      'forward_splits[0] new_rate: Expected number, received string',
    ]);
    expect(rejected[0].item).toBe(spinOff);
  });

  it('rounds a foreign rate to the 8-decimal price scale', () => {
    const { records } = mapAlpacaCorporateActions(page({ cash_dividends: [{ ...DIVIDEND, foreign: true, currency: 'USD', rate: 0.123456789 }] }), SCOPE);
    expect(records[0].amount).toBe('0.12345679');
  });

  it('reads an empty answer and refuses a malformed one', () => {
    expect(mapAlpacaCorporateActions({ corporate_actions: {}, next_page_token: null }, SCOPE)).toEqual({ records: [], rejected: [], nextPageToken: null });
    expect(() => mapAlpacaCorporateActions({ actions: [] }, SCOPE)).toThrow(/^corporate actions page is malformed: corporate_actions: Required$/);
  });
});
