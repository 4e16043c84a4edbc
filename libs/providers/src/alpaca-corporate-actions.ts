import { z } from 'zod';
import { type CorporateActionRecord, InvalidRecordError } from '@md/contracts';
import { assertValidRecord, parseDecimal, tradingDayOnOrAfter } from '@md/market';
import { parseEnvelope, parseItem } from './zod-reason';

// Alpaca Market Data API, "Corporate actions" (docs.alpaca.markets/reference/corporateactions-1;
// @alpacahq/alpaca-trade-api v4 CorporateActionsApi): GET /v1/corporate-actions with symbols,
// types, start, end (inclusive, on the process date), limit (1..1000), sort, page_token answers
//   { corporate_actions: { forward_splits: [...], reverse_splits: [...], cash_dividends: [...], ... },
//     next_page_token }
// Mapping, against the LEAN factor-file path (lean-corporate-actions.ts); field names as in the
// official client's models (@alpacahq/alpaca-trade-api: NameChange, StockMerger, SpinOff, ...):
//   forward_splits / reverse_splits  SPLIT, ratioTo = new_rate, ratioFrom = old_rate (1-for-10: 1, 10);
//                                    a reverse split with a new_symbol also gives a SYMBOL_CHANGE
//   stock_dividends                  SPLIT, ratioTo = 1 + rate, ratioFrom = 1 (a 5% stock dividend
//                                    moves the price as a 1.05-for-1 split; LEAN folds it into the
//                                    split factor too)
//   cash_dividends                   CASH_DIVIDEND, amount = rate, special ones included (they
//                                    adjust like any dividend); referencePrice null, because
//                                    Alpaca gives no previous close (LEAN's file does): the
//                                    preprocessor uses the close it saw before the ex-date
//   name_changes                     SYMBOL_CHANGE old_symbol -> newSymbol, dated process_date
//                                    (the item has no other date), moved to a trading day
//   stock_mergers, cash_mergers,     MERGER keyed by acquiree_symbol, dated effective_date:
//   stock_and_cash_mergers           newSymbol = acquirer_symbol, ratioTo/ratioFrom = acquirer_rate
//                                    / acquiree_rate, amount = the cash per acquiree share
//   spin_offs                        SPIN_OFF keyed by source_symbol, dated ex_date: newSymbol =
//                                    new_symbol, ratioTo/ratioFrom = new_rate / source_rate
// exDate is Alpaca's ex_date, as in LEAN. Mergers and spin-offs are stored with their terms and do
// not adjust prices: the value a spin-off takes out of the parent needs the new company's first
// price, which the item does not carry (a LEAN factor file has it folded into the price factor).
// The remaining groups (unit splits, redemptions, worthless removals, rights distributions) have
// no record kind: each item is returned as rejected with that reason (dead-lettered, never dropped).

/** The types that adjust prices, as the `types` parameter spells them. */
export const ALPACA_PRICE_ACTION_TYPES = ['forward_split', 'reverse_split', 'stock_dividend', 'cash_dividend'] as const;
/** Every type with a record kind: the default request. */
export const ALPACA_ACTION_TYPES = [...ALPACA_PRICE_ACTION_TYPES, 'name_change', 'stock_merger', 'cash_merger', 'stock_and_cash_merger', 'spin_off'] as const;
/** Alpaca's corporate-actions page size: `limit` is 1..1000. */
export const ALPACA_CORPORATE_ACTIONS_MAX_PAGE_LIMIT = 1000;

/** The md.corporate-actions.v1 record an Alpaca action maps to (contracts re-exports the shape). */
export type AlpacaCorporateAction = CorporateActionRecord;

export interface AlpacaCorporateActionScope {
  provider: string;
  ingestTime: number;
  /** Default 0; Alpaca marks no corrections, so a re-fetch publishes revision 0 again (idempotent). */
  revision?: number;
}

export interface AlpacaCorporateActionRejection {
  /** The response group, e.g. cash_dividends. */
  group: string;
  /** Position of the item in its group on the page. */
  index: number;
  item: unknown;
  reason: string;
}

export interface AlpacaCorporateActionsPage {
  records: AlpacaCorporateAction[];
  rejected: AlpacaCorporateActionRejection[];
  nextPageToken: string | null;
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const rate = z.number().positive().finite();
/** "Empty value can mean USD" (CashDividend.currency): anything else is not in the bars' price terms. */
const currency = z.string().optional().refine((c) => !c || c === 'USD', 'is not USD; the bars are in USD, so it cannot adjust them');
const common = { symbol: z.string().min(1), ex_date: date, process_date: date, currency };

const Split = z.object({ ...common, new_rate: rate, old_rate: rate, new_symbol: z.string().optional() });
const ticker = z.string().regex(/^[A-Za-z][A-Za-z0-9.\-/]{0,20}$/, 'expected a ticker');
const NameChange = z.object({ old_symbol: ticker, new_symbol: ticker, process_date: date });
const merger = { acquiree_symbol: ticker, effective_date: date, process_date: date, currency };
const StockMerger = z.object({ ...merger, acquirer_symbol: ticker, acquirer_rate: rate, acquiree_rate: rate });
const CashMerger = z.object({ ...merger, acquirer_symbol: ticker.optional().or(z.literal('')), rate });
const StockAndCashMerger = z.object({ ...merger, acquirer_symbol: ticker, acquirer_rate: rate, acquiree_rate: rate, cash_rate: z.number().nonnegative().finite() });
const SpinOff = z.object({ source_symbol: ticker, source_rate: rate, new_symbol: ticker, new_rate: rate, ex_date: date, process_date: date, currency });
const StockDividend = z.object({ ...common, rate });
const CashDividend = z.object({ ...common, rate, special: z.boolean().optional(), foreign: z.boolean().optional() });

export const AlpacaCorporateActionsBody = z.object({
  corporate_actions: z.record(z.string(), z.array(z.unknown()).nullable()).nullable(),
  next_page_token: z.string().nullish(),
});

type Fields = Pick<AlpacaCorporateAction, 'symbol' | 'exDate' | 'kind' | 'ratioTo' | 'ratioFrom' | 'amount' | 'newSymbol'>;

const cash = (rate: number): string => parseDecimal(rate.toFixed(8));
const upper = (s: string | undefined): string | null => (s ? s.toUpperCase() : null);

const split = (item: unknown): Fields => {
  const s = parseItem(Split, item);
  return { symbol: s.symbol, exDate: s.ex_date, kind: 'SPLIT', ratioTo: s.new_rate, ratioFrom: s.old_rate, amount: null, newSymbol: null };
};

/** The item -> record mapping per response group; groups not here have no record kind. */
const GROUPS: Readonly<Record<string, (item: unknown) => Fields>> = {
  forward_splits: split,
  reverse_splits: split,
  stock_dividends: (item) => {
    const d = parseItem(StockDividend, item);
    return { symbol: d.symbol, exDate: d.ex_date, kind: 'SPLIT', ratioTo: 1 + d.rate, ratioFrom: 1, amount: null, newSymbol: null };
  },
  cash_dividends: (item) => {
    const d = parseItem(CashDividend, item);
    // Cash per share; a foreign rate may carry more digits than the 8-decimal scale: rounded.
    return { symbol: d.symbol, exDate: d.ex_date, kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: cash(d.rate), newSymbol: null };
  },
  name_changes: (item) => {
    const n = parseItem(NameChange, item);
    return { symbol: n.old_symbol.toUpperCase(), exDate: tradingDayOnOrAfter(n.process_date), kind: 'SYMBOL_CHANGE', ratioTo: null, ratioFrom: null, amount: null, newSymbol: n.new_symbol.toUpperCase() };
  },
  stock_mergers: (item) => {
    const m = parseItem(StockMerger, item);
    return { symbol: m.acquiree_symbol.toUpperCase(), exDate: m.effective_date, kind: 'MERGER', ratioTo: m.acquirer_rate, ratioFrom: m.acquiree_rate, amount: null, newSymbol: m.acquirer_symbol.toUpperCase() };
  },
  cash_mergers: (item) => {
    const m = parseItem(CashMerger, item);
    return { symbol: m.acquiree_symbol.toUpperCase(), exDate: m.effective_date, kind: 'MERGER', ratioTo: null, ratioFrom: null, amount: cash(m.rate), newSymbol: upper(m.acquirer_symbol) };
  },
  stock_and_cash_mergers: (item) => {
    const m = parseItem(StockAndCashMerger, item);
    return { symbol: m.acquiree_symbol.toUpperCase(), exDate: m.effective_date, kind: 'MERGER', ratioTo: m.acquirer_rate, ratioFrom: m.acquiree_rate, amount: cash(m.cash_rate), newSymbol: m.acquirer_symbol.toUpperCase() };
  },
  spin_offs: (item) => {
    const o = parseItem(SpinOff, item);
    return { symbol: o.source_symbol.toUpperCase(), exDate: o.ex_date, kind: 'SPIN_OFF', ratioTo: o.new_rate, ratioFrom: o.source_rate, amount: null, newSymbol: o.new_symbol.toUpperCase() };
  },
};

/** A reverse split that also renames the ticker (the item's new_symbol): its SYMBOL_CHANGE, the split itself stays under the old ticker. */
function renameWithSplit(group: string, item: unknown, split: AlpacaCorporateAction): AlpacaCorporateAction | null {
  const newSymbol = group === 'reverse_splits' ? (item as { new_symbol?: string }).new_symbol?.toUpperCase() : undefined;
  if (!newSymbol || newSymbol === split.symbol) return null;
  return { ...split, kind: 'SYMBOL_CHANGE', ratioTo: null, ratioFrom: null, amount: null, newSymbol };
}

/** One page of GET /v1/corporate-actions to records; bad or unmappable items come back with the reason. */
export function mapAlpacaCorporateActions(body: unknown, scope: AlpacaCorporateActionScope): AlpacaCorporateActionsPage {
  const page = parseEnvelope(AlpacaCorporateActionsBody, body, 'corporate actions');
  const records: AlpacaCorporateAction[] = [];
  const rejected: AlpacaCorporateActionRejection[] = [];
  for (const [group, items] of Object.entries(page.corporate_actions ?? {})) {
    (items ?? []).forEach((item, index) => {
      try {
        const map = GROUPS[group];
        if (!map) throw new InvalidRecordError(`${group}: md.corporate-actions.v1 has no kind for it (splits, dividends, name changes, mergers and spin-offs only); not published`);
        const record: AlpacaCorporateAction = { ...map(item), referencePrice: null, provider: scope.provider, revision: scope.revision ?? 0, ingestTime: scope.ingestTime };
        const rename = renameWithSplit(group, item, record);
        for (const r of rename ? [record, rename] : [record]) assertValidRecord(r);
        records.push(record, ...(rename ? [rename] : []));
      } catch (err) {
        rejected.push({ group, index, item, reason: (err as Error).message });
      }
    });
  }
  return { records, rejected, nextPageToken: page.next_page_token ?? null };
}
