import { z } from 'zod';
import { type CorporateActionRecord, InvalidRecordError } from '@md/contracts';
import { corporateActionViolations, parseDecimal } from '@md/market';
import { parseEnvelope, parseItem } from './zod-reason';

// Alpaca Market Data API, "Corporate actions" (docs.alpaca.markets/reference/corporateactions-1;
// @alpacahq/alpaca-trade-api v4 CorporateActionsApi): GET /v1/corporate-actions with symbols,
// types, start, end (inclusive, on the process date), limit (1..1000), sort, page_token answers
//   { corporate_actions: { forward_splits: [...], reverse_splits: [...], cash_dividends: [...], ... },
//     next_page_token }
// md.corporate-actions.v1 knows splits and cash dividends, the two actions that adjust a price
// series (as LEAN's factor files do). Mapping, against the LEAN factor-file path
// (lean-corporate-actions.ts):
//   forward_splits / reverse_splits  SPLIT, ratioTo = new_rate, ratioFrom = old_rate (1-for-10: 1, 10)
//   stock_dividends                  SPLIT, ratioTo = 1 + rate, ratioFrom = 1 (a 5% stock dividend
//                                    moves the price as a 1.05-for-1 split; LEAN folds it into the
//                                    split factor too)
//   cash_dividends                   CASH_DIVIDEND, amount = rate, special ones included (they
//                                    adjust like any dividend); referencePrice null, because
//                                    Alpaca gives no previous close (LEAN's file does): the
//                                    preprocessor uses the close it saw before the ex-date
// exDate is Alpaca's ex_date, as in LEAN. Every other group (spin-offs, mergers, name changes,
// unit splits, ...) has no record kind: each item is returned as rejected with that reason
// (dead-lettered, never dropped), like the map file's ticker changes.

/** The types that adjust prices, as the `types` parameter spells them: the default request. */
export const ALPACA_PRICE_ACTION_TYPES = ['forward_split', 'reverse_split', 'stock_dividend', 'cash_dividend'] as const;
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
const StockDividend = z.object({ ...common, rate });
const CashDividend = z.object({ ...common, rate, special: z.boolean().optional(), foreign: z.boolean().optional() });

export const AlpacaCorporateActionsBody = z.object({
  corporate_actions: z.record(z.string(), z.array(z.unknown()).nullable()).nullable(),
  next_page_token: z.string().nullish(),
});

type Fields = Pick<AlpacaCorporateAction, 'symbol' | 'exDate' | 'kind' | 'ratioTo' | 'ratioFrom' | 'amount'>;

const split = (item: unknown): Fields => {
  const s = parseItem(Split, item);
  return { symbol: s.symbol, exDate: s.ex_date, kind: 'SPLIT', ratioTo: s.new_rate, ratioFrom: s.old_rate, amount: null };
};

/** The item -> record mapping per response group; groups not here have no record kind. */
const GROUPS: Readonly<Record<string, (item: unknown) => Fields>> = {
  forward_splits: split,
  reverse_splits: split,
  stock_dividends: (item) => {
    const d = parseItem(StockDividend, item);
    return { symbol: d.symbol, exDate: d.ex_date, kind: 'SPLIT', ratioTo: 1 + d.rate, ratioFrom: 1, amount: null };
  },
  cash_dividends: (item) => {
    const d = parseItem(CashDividend, item);
    // Cash per share; a foreign rate may carry more digits than the 8-decimal scale: rounded.
    return { symbol: d.symbol, exDate: d.ex_date, kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: parseDecimal(d.rate.toFixed(8)) };
  },
};

/** The checks every action passes (corporate-actions.ts), whichever source it came from. */
function assertValid(a: AlpacaCorporateAction): void {
  const ratio = a.ratioTo !== null && a.ratioFrom !== null ? { ratio: { to: a.ratioTo, from: a.ratioFrom } } : {};
  const problems = corporateActionViolations({ ...a, kind: a.kind === 'SPLIT' ? 'split' : 'cash_dividend', ...ratio, amount: a.amount ?? undefined });
  if (problems.length > 0) throw new InvalidRecordError(problems.join('; '));
}

/** A reverse split that also renames the ticker: the split is published, the rename reported. */
function tickerChange(group: string, item: unknown, a: AlpacaCorporateAction): string | null {
  const newSymbol = group === 'reverse_splits' ? (item as { new_symbol?: string }).new_symbol : undefined;
  if (!newSymbol || newSymbol === a.symbol) return null;
  return `ticker change ${a.symbol} -> ${newSymbol} effective ${a.exDate} (with a reverse split): md.corporate-actions.v1 has no symbol-change kind; the split is published under ${a.symbol}`;
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
        if (!map) throw new InvalidRecordError(`${group}: md.corporate-actions.v1 has no kind for it (SPLIT and CASH_DIVIDEND only); not published`);
        const record: AlpacaCorporateAction = { ...map(item), referencePrice: null, provider: scope.provider, revision: scope.revision ?? 0, ingestTime: scope.ingestTime };
        assertValid(record);
        records.push(record);
        const change = tickerChange(group, item, record);
        if (change) rejected.push({ group, index, item, reason: change });
      } catch (err) {
        rejected.push({ group, index, item, reason: (err as Error).message });
      }
    });
  }
  return { records, rejected, nextPageToken: page.next_page_token ?? null };
}
