import { BadRequest, limitOf, micros } from '@md/simulators';
import { TradingRuleError } from './alpaca-trading-ledger';
import { CLOSED_STATUSES, newYorkDigits, type FillRecord, type OrderRecord } from './alpaca-trading-wire';

// The list queries of the Trading API as Alpaca reads them, and the 400 naming a bad parameter.
// GET /v2/orders ("Get All Orders"): status open|closed|all (default open); limit default 50, max 500;
//   after / until: "only ones submitted after / until this timestamp (exclusive)"; direction asc|desc
//   "based on the submission time", default desc; symbols comma-separated; side; nested.
// GET /v2/account/activities[/{type}] ("Retrieve Account Activities"): after / until (activities
//   created after / before, exclusive); date (that day, with no page limit); direction default desc;
//   page_size default and max 100; page_token "the ID of the end of your current page": with desc
//   the results end before it, with asc they begin immediately after it.

/** Every activity type the API knows ("Account Activities", ActivityType); only FILL ever happens here. */
export const ACTIVITY_TYPES: readonly string[] = [
  'FILL', 'TRANS', 'MISC', 'ACATC', 'ACATS', 'CFEE', 'CSD', 'CSW', 'DIV', 'DIVCGL', 'DIVCGS', 'DIVFEE', 'DIVFT', 'DIVNRA', 'DIVROC', 'DIVTW',
  'DIVTXEX', 'FEE', 'INT', 'INTNRA', 'INTTW', 'JNL', 'JNLC', 'JNLS', 'MA', 'NC', 'OPASN', 'OPCA', 'OPCSH', 'OPEXC', 'OPEXP', 'OPTRD', 'PTC',
  'PTR', 'REORG', 'SC', 'SSO', 'SSP', 'SPIN', 'SPLIT',
];

function choice<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const value = params.get(name) ?? fallback;
  if (!allowed.includes(value as T)) throw new BadRequest(`invalid ${name}: must be one of ${allowed.join(', ')}`);
  return value as T;
}

function optionalTime(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  const us = micros(text);
  if (us === undefined) throw new BadRequest(`invalid ${name}: expected RFC-3339 or YYYY-MM-DD`);
  return us;
}

const inWindow = (us: number, after: number | undefined, until: number | undefined) => (after === undefined || us > after) && (until === undefined || us < until);

export function listOrders(orders: readonly OrderRecord[], params: URLSearchParams): OrderRecord[] {
  const status = choice(params, 'status', ['open', 'closed', 'all'], 'open');
  const limit = limitOf(params, 50, 500);
  const after = optionalTime(params, 'after');
  const until = optionalTime(params, 'until');
  const direction = choice(params, 'direction', ['asc', 'desc'], 'desc');
  const side = params.has('side') ? choice(params, 'side', ['buy', 'sell'], 'buy') : undefined;
  choice(params, 'nested', ['true', 'false'], 'false'); // only simple orders here: nothing to nest
  const symbols = params.get('symbols') ? new Set(params.get('symbols')!.split(',').map((s) => s.trim().toUpperCase())) : undefined;
  const statusWanted = (o: OrderRecord) => status === 'all' || (status === 'closed') === CLOSED_STATUSES.includes(o.status);
  const wanted = orders.filter((o) => statusWanted(o) && inWindow(o.submittedAt, after, until) && (!symbols || symbols.has(o.symbol)) && (!side || o.side === side));
  wanted.sort((a, b) => a.submittedAt - b.submittedAt || a.seq - b.seq);
  if (direction === 'desc') wanted.reverse();
  return wanted.slice(0, limit);
}

/** Whether an activities query covers fills: by the path's type, activity_types or category (mutually exclusive). */
export function includesFills(params: URLSearchParams, pathType: string | undefined): boolean {
  const category = params.get('category');
  if (category !== null) choice(params, 'category', ['trade_activity', 'non_trade_activity'], 'trade_activity');
  const listed = pathType !== undefined ? [pathType] : params.get('activity_types')?.split(',').map((s) => s.trim()).filter(Boolean);
  if (category !== null && listed) throw new BadRequest('invalid category: cannot be given with an activity type');
  // Alpaca: 422 {"code":40010001,"message":"invalid activity type: FFFFF"} (alpaca_elixir's recorded answer).
  for (const type of listed ?? []) if (!ACTIVITY_TYPES.includes(type)) throw new TradingRuleError(422, 40010001, `invalid activity type: ${type}`);
  if (category !== null) return category === 'trade_activity';
  return !listed || listed.includes('FILL');
}

export function listFills(fills: readonly FillRecord[], params: URLSearchParams): FillRecord[] {
  const after = optionalTime(params, 'after');
  const until = optionalTime(params, 'until');
  const direction = choice(params, 'direction', ['asc', 'desc'], 'desc');
  const dateText = params.get('date');
  // The official client sends date as a full ISO time; the day is its first ten characters.
  const date = dateText === null ? undefined : /^(\d{4})-(\d{2})-(\d{2})/.exec(dateText)?.slice(1).join('');
  if (dateText !== null && !date) throw new BadRequest('invalid date: expected YYYY-MM-DD');
  const pageSize = date && !params.has('page_size') ? Infinity : pageSizeOf(params, date === undefined);
  const sorted = [...fills].sort((a, b) => a.at - b.at || a.seq - b.seq);
  if (direction === 'desc') sorted.reverse();
  const token = params.get('page_token');
  const start = token ? sorted.findIndex((f) => f.id === token) + 1 : 0;
  if (token && start === 0) throw new BadRequest('invalid page_token');
  const wanted = sorted.slice(start).filter((f) => inWindow(f.at, after, until) && (!date || newYorkDigits(f.at).startsWith(date)));
  return wanted.slice(0, pageSize);
}

function pageSizeOf(params: URLSearchParams, capped: boolean): number {
  const text = params.get('page_size') ?? '100';
  const size = Number(text);
  if (!/^\d+$/.test(text) || size < 1 || (capped && size > 100)) throw new BadRequest(capped ? 'invalid page_size: must be between 1 and 100' : 'invalid page_size: must be a positive integer');
  return size;
}
