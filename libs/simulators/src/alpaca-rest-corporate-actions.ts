import type { CorporateActionRecord } from '@md/contracts';
import { BadRequest, limitOf, offsetOf, optionalDate, pageToken } from './alpaca-rest-query';

// GET /v1/corporate-actions (docs.alpaca.markets "Corporate actions") with symbols, types, start/end
// (inclusive, on the process date, default today), limit (1..1000, default 100), sort, page_token:
// { corporate_actions: { forward_splits: [...], cash_dividends: [...], ... }, next_page_token }.

/** Items per response group (forward_splits, reverse_splits, cash_dividends, spin_offs, ...). */
export type AlpacaCorporateActionsRecording = Partial<Record<string, unknown[]>>;

/** The parts of a canonical action (LEAN's factor-file path, fixtures/corporate-actions) that Alpaca lists. */
export type CanonicalCorporateAction = Pick<CorporateActionRecord, 'symbol' | 'exDate' | 'kind' | 'ratioTo' | 'ratioFrom' | 'amount'>;

/** `types` names and the response group each lands in (CorporateActionsResp). */
const ACTION_GROUPS: Readonly<Record<string, string>> = {
  forward_split: 'forward_splits', reverse_split: 'reverse_splits', unit_split: 'unit_splits', stock_dividend: 'stock_dividends',
  cash_dividend: 'cash_dividends', spin_off: 'spin_offs', cash_merger: 'cash_mergers', stock_merger: 'stock_mergers',
  stock_and_cash_merger: 'stock_and_cash_mergers', redemption: 'redemptions', name_change: 'name_changes',
  worthless_removal: 'worthless_removals', rights_distribution: 'rights_distributions',
};

/**
 * Canonical actions as Alpaca lists them: splits in forward_splits or reverse_splits (new_rate =
 * to, old_rate = from), dividends in cash_dividends (rate = amount). Alpaca books a dividend on
 * its pay date, which the recordings lack, so every process_date is the ex-date; record and pay
 * dates are left out. `cusips` by symbol (AAPL's is 037833100); missing ones are empty.
 */
export function alpacaCorporateActionsRecording(actions: readonly CanonicalCorporateAction[], cusips: Readonly<Record<string, string>> = {}): AlpacaCorporateActionsRecording {
  const recording: Record<string, unknown[]> = {};
  actions.forEach((a, i) => {
    const common = { id: `sim-${a.symbol}-${a.exDate}-${a.kind}-${i}`, symbol: a.symbol, ex_date: a.exDate, process_date: a.exDate };
    const cusip = cusips[a.symbol] ?? '';
    if (a.kind === 'CASH_DIVIDEND') {
      (recording.cash_dividends ??= []).push({ ...common, cusip, rate: Number(a.amount), special: false, foreign: false });
    } else if (a.ratioTo! >= a.ratioFrom!) {
      (recording.forward_splits ??= []).push({ ...common, cusip, new_rate: a.ratioTo, old_rate: a.ratioFrom });
    } else {
      (recording.reverse_splits ??= []).push({ ...common, old_cusip: cusip, new_cusip: cusip, new_rate: a.ratioTo, old_rate: a.ratioFrom });
    }
  });
  return recording;
}

interface ListedAction {
  group: string;
  item: unknown;
  symbol: string;
  processDate: string;
}

/** Alpaca's symbol field differs by group: symbol, source_symbol (spin-offs), old_symbol (unit splits, name changes), acquiree_symbol (mergers). */
function listedActions(recording: AlpacaCorporateActionsRecording): ListedAction[] {
  const listed = Object.entries(recording).flatMap(([group, items]) => (items ?? []).map((item) => {
    const i = item as { symbol?: string; source_symbol?: string; old_symbol?: string; acquiree_symbol?: string; process_date?: string };
    return { group, item, symbol: String(i.symbol ?? i.source_symbol ?? i.old_symbol ?? i.acquiree_symbol ?? '').toUpperCase(), processDate: String(i.process_date ?? '') };
  }));
  return listed.sort((a, b) => a.processDate.localeCompare(b.processDate));
}

/** The recorded corporate actions, in process-date order, and the route that filters and pages them. */
export class AlpacaCorporateActions {
  private readonly actions: ListedAction[];

  constructor(recording: AlpacaCorporateActionsRecording) {
    this.actions = listedActions(recording);
  }

  serve(params: URLSearchParams): Record<string, unknown> {
    if (params.get('ids')) throw new BadRequest('the simulator does not serve ids');
    const types = params.get('types')?.split(',').map((t) => t.trim()) ?? Object.keys(ACTION_GROUPS);
    const invalid = types.filter((t) => !ACTION_GROUPS[t]);
    if (invalid.length > 0) throw new BadRequest(`invalid types: ${invalid.join(',')}`);
    const groups = new Set(types.map((t) => ACTION_GROUPS[t]));
    const symbols = params.get('symbols') ? new Set(params.get('symbols')!.split(',').map((x) => x.trim().toUpperCase())) : undefined;
    const today = new Date().toISOString().slice(0, 10);
    const [start, end] = [optionalDate(params, 'start') ?? today, optionalDate(params, 'end') ?? today];
    if (start > end) throw new BadRequest('start must not be after end');
    const sort = params.get('sort') ?? 'asc';
    if (sort !== 'asc' && sort !== 'desc') throw new BadRequest('invalid sort: must be asc or desc');
    const limit = limitOf(params, 100, 1000);
    const listed = this.actions.filter((a) => groups.has(a.group) && (!symbols || symbols.has(a.symbol)) && a.processDate >= start && a.processDate <= end);
    if (sort === 'desc') listed.reverse();
    const scope = [...params].filter(([name]) => name !== 'page_token' && name !== 'limit').map(([n, v]) => `${n}=${v}`).join('&');
    const from = offsetOf(params, scope);
    const corporateActions: Record<string, unknown[]> = {};
    for (const a of listed.slice(from, from + limit)) (corporateActions[a.group] ??= []).push(a.item);
    return { corporate_actions: corporateActions, next_page_token: from + limit < listed.length ? pageToken(scope, from + limit) : null };
  }
}
