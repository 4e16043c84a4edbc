import { mapAlpacaCorporateActions } from './alpaca-corporate-actions';

const SCOPE = { provider: 'alpaca', ingestTime: 7 };
// AAPL's 2020 4-for-1 split and a 2024 dividend as Alpaca lists them (CUSIP 037833100).
const SPLIT_2020 = { id: 'a1', symbol: 'AAPL', cusip: '037833100', new_rate: 4, old_rate: 1, process_date: '2020-08-31', ex_date: '2020-08-31', record_date: '2020-08-24', payable_date: '2020-08-28' };
const DIVIDEND = { id: 'a2', symbol: 'AAPL', cusip: '037833100', rate: 0.25, special: false, foreign: false, process_date: '2024-08-15', ex_date: '2024-08-12', record_date: '2024-08-12', payable_date: '2024-08-15' };
const page = (corporate_actions: Record<string, unknown[]>, next_page_token: string | null = null) => ({ corporate_actions, next_page_token });
const record = (fields: object) => ({ referencePrice: null, provider: 'alpaca', revision: 0, ingestTime: 7, newSymbol: null, ...fields });

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

  it('publishes a renaming reverse split as the split under the old ticker and a SYMBOL_CHANGE', () => {
    const reverse = { id: 'r', symbol: 'OLD', new_symbol: 'NEW', old_cusip: 'a', new_cusip: 'b', new_rate: 1, old_rate: 20, process_date: '2023-05-01', ex_date: '2023-05-01' };
    const { records, rejected } = mapAlpacaCorporateActions(page({ reverse_splits: [reverse] }), SCOPE);
    expect(records).toEqual([
      record({ symbol: 'OLD', exDate: '2023-05-01', kind: 'SPLIT', ratioTo: 1, ratioFrom: 20, amount: null }),
      record({ symbol: 'OLD', exDate: '2023-05-01', kind: 'SYMBOL_CHANGE', ratioTo: null, ratioFrom: null, amount: null, newSymbol: 'NEW' }),
    ]);
    expect(rejected).toEqual([]);
  });

  it('maps name changes, the three kinds of merger and spin-offs with their terms', () => {
    // Terms as announced: FB -> META (2022-06-09); AMD for Xilinx, 1.7234 AMD per XLNX (2022-02-14);
    // Microsoft for Activision, $95 cash (2023-10-13); Broadcom for VMware, 0.252 AVGO + $142.50
    // (2023-11-22, before proration); GE HealthCare, 1 GEHC per 3 GE (ex 2023-01-04).
    const body = page({
      name_changes: [{ id: 'n', old_symbol: 'FB', new_symbol: 'META', old_cusip: '30303M102', new_cusip: '30303M102', process_date: '2022-06-09' }],
      stock_mergers: [{ id: 'm1', acquirer_symbol: 'AMD', acquirer_cusip: '007903107', acquirer_rate: 1.7234, acquiree_symbol: 'XLNX', acquiree_cusip: '983919101', acquiree_rate: 1, effective_date: '2022-02-14', process_date: '2022-02-14' }],
      cash_mergers: [{ id: 'm2', acquirer_symbol: 'MSFT', acquiree_symbol: 'ATVI', acquiree_cusip: '00507V109', rate: 95, effective_date: '2023-10-13', process_date: '2023-10-13' }],
      stock_and_cash_mergers: [{ id: 'm3', acquirer_symbol: 'AVGO', acquirer_cusip: '11135F101', acquirer_rate: 0.252, acquiree_symbol: 'VMW', acquiree_cusip: '928563402', acquiree_rate: 1, cash_rate: 142.5, effective_date: '2023-11-22', process_date: '2023-11-22' }],
      spin_offs: [{ id: 's', source_symbol: 'GE', source_cusip: '369604301', source_rate: 3, new_symbol: 'GEHC', new_cusip: '36266G107', new_rate: 1, ex_date: '2023-01-04', process_date: '2023-01-04' }],
    });
    const { records, rejected } = mapAlpacaCorporateActions(body, SCOPE);
    expect(rejected).toEqual([]);
    expect(records).toEqual([
      record({ symbol: 'FB', exDate: '2022-06-09', kind: 'SYMBOL_CHANGE', ratioTo: null, ratioFrom: null, amount: null, newSymbol: 'META' }),
      record({ symbol: 'XLNX', exDate: '2022-02-14', kind: 'MERGER', ratioTo: 1.7234, ratioFrom: 1, amount: null, newSymbol: 'AMD' }),
      record({ symbol: 'ATVI', exDate: '2023-10-13', kind: 'MERGER', ratioTo: null, ratioFrom: null, amount: '95.00000000', newSymbol: 'MSFT' }),
      record({ symbol: 'VMW', exDate: '2023-11-22', kind: 'MERGER', ratioTo: 0.252, ratioFrom: 1, amount: '142.50000000', newSymbol: 'AVGO' }),
      record({ symbol: 'GE', exDate: '2023-01-04', kind: 'SPIN_OFF', ratioTo: 1, ratioFrom: 3, amount: null, newSymbol: 'GEHC' }),
    ]);
  });

  it('dates a name change processed on a closed day on the next session', () => {
    const { records } = mapAlpacaCorporateActions(page({ name_changes: [{ id: 'n', old_symbol: 'ABC', new_symbol: 'XYZ', process_date: '2024-07-04' }] }), SCOPE);
    expect(records.map((r) => r.exDate)).toEqual(['2024-07-05']);
  });

  it('rejects, with the reason, what has no record kind or cannot be right, and keeps the rest', () => {
    const unitSplit = { id: 'x', old_symbol: 'UNIT', new_symbol: 'UNIT.U', alternate_symbol: 'UNIT.WS' };
    const body = page({
      unit_splits: [unitSplit],
      spin_offs: [{ id: 'y', source_symbol: 'AAPL', new_symbol: 'SPIN' }, { id: 'z', source_symbol: 'AAPL', source_rate: 1, new_symbol: 'AAPL', new_rate: 1, ex_date: '2024-08-12', process_date: '2024-08-12' }],
      cash_dividends: [DIVIDEND, { ...DIVIDEND, rate: 0 }, { ...DIVIDEND, currency: 'CAD' }, { ...DIVIDEND, ex_date: '2024-08-10' }, { ...DIVIDEND, ex_date: '12/08/2024' }],
      forward_splits: [{ ...SPLIT_2020, new_rate: 'four' }],
    });
    const { records, rejected } = mapAlpacaCorporateActions(body, SCOPE);
    expect(records).toHaveLength(1);
    expect(rejected.map((r) => `${r.group}[${r.index}] ${r.reason}`)).toEqual([
      'unit_splits[0] unit_splits: md.corporate-actions.v1 has no kind for it (splits, dividends, name changes, mergers and spin-offs only); not published',
      expect.stringMatching(/^spin_offs\[0\] source_rate: Required/),
      'spin_offs[1] AAPL SPIN_OFF ex 2024-08-12: newSymbol is the symbol itself (AAPL); a SPIN_OFF names another ticker',
      'cash_dividends[1] rate: Number must be greater than 0',
      'cash_dividends[2] currency: is not USD; the bars are in USD, so it cannot adjust them',
      expect.stringMatching(/^cash_dividends\[3\] AAPL cash_dividend ex 2024-08-10: exDate 2024-08-10 is not an NYSE trading day/),
      'cash_dividends[4] ex_date: expected YYYY-MM-DD',
      'forward_splits[0] new_rate: Expected number, received string',
    ]);
    expect(rejected[0].item).toBe(unitSplit);
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
