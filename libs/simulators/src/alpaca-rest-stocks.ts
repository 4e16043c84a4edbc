import { dbbMinuteBars } from './minute-csv';
import { BadRequest, feedOf, micros, pageToken, param, readPageToken, time } from './alpaca-rest-query';

// GET /v2/stocks/{bars,trades,quotes} (docs.alpaca.markets "Historical bars / trades / quotes") over
// recorded data: symbols, timeframe (bars), start/end (both inclusive), limit (1..10000, default
// 1000, "applies to the total number of data points, not per symbol"), page_token, feed, sort=asc.
// Results are "sorted by symbol first, then by timestamp", so a page may hold one symbol only.

export type AlpacaRestKind = 'bars' | 'trades' | 'quotes';

/** Items as Alpaca serialises them, per symbol, in time order; malformed ones are served as given. */
export type AlpacaRestRecording = Partial<Record<AlpacaRestKind, Record<string, unknown[]>>>;

interface Series {
  items: unknown[];
  /** UTC micros per item; an unparseable `t` takes its predecessor's so it is still served. */
  times: number[];
}

interface PageQuery {
  symbols: string[];
  startUs: number;
  endUs: number;
  limit: number;
  token?: { symbol: string; index: number };
}

const MAX_LIMIT = 10_000;
const FEEDS = ['iex', 'sip', 'otc', 'boats'];

function toSeries(items: unknown[]): Series {
  let last = -Infinity;
  const times = items.map((item) => (last = micros(String((item as { t?: unknown })?.t)) ?? last));
  return { items, times };
}

let dbbBars: Series | undefined;

/** The DBB file as Alpaca bars (RFC-3339 `t` without a fraction, as Alpaca writes whole seconds), built once per process. */
function dbbSeries(): Series {
  dbbBars ??= toSeries(dbbMinuteBars().map(({ t, o, h, l, c, v }) => ({ t: new Date(t).toISOString().replace('.000Z', 'Z'), o, h, l, c, v })));
  return dbbBars;
}

function lowerBound(times: number[], us: number): number {
  let lo = 0;
  for (let hi = times.length; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < us) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One page: symbols in order, items in [start, end], at most `limit` across all symbols. */
function page(series: Map<string, Series>, q: PageQuery): { items: Record<string, unknown[]>; next: string | null } {
  const items: Record<string, unknown[]> = {};
  let count = 0;
  for (const symbol of q.symbols) {
    const s = series.get(symbol);
    if (!s || (q.token && symbol < q.token.symbol)) continue;
    let i = q.token?.symbol === symbol ? q.token.index : lowerBound(s.times, q.startUs);
    for (; i < s.items.length && s.times[i] <= q.endUs; i++) {
      if (count === q.limit) return { items, next: pageToken(symbol, i) };
      (items[symbol] ??= []).push(s.items[i]);
      count++;
    }
  }
  return { items, next: null };
}

function pageQuery(params: URLSearchParams): PageQuery {
  const limitText = params.get('limit') ?? '1000';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) throw new BadRequest(`invalid limit: must be between 1 and ${MAX_LIMIT}`);
  if ((params.get('sort') ?? 'asc') !== 'asc') throw new BadRequest('the simulator serves sort=asc only');
  const symbols = [...new Set(param(params, 'symbols').split(',').map((s) => s.trim().toUpperCase()))].sort();
  const text = params.get('page_token');
  const token = text ? readPageToken(text) : undefined;
  if (token && !token.scope) throw new BadRequest('invalid page_token');
  return { symbols, startUs: time(params, 'start'), endUs: time(params, 'end'), limit, token: token && { symbol: token.scope, index: token.index } };
}

/** The recorded bars, trades and quotes by symbol, and the route that pages through them. */
export class AlpacaStocks {
  private readonly data = new Map<AlpacaRestKind, Map<string, Series>>();

  /** `includeDbb`: the real DBB minute file as 1Min bars of DBB, unless the recording has DBB bars. `feeds`: those the key may query. */
  constructor(recording: AlpacaRestRecording, includeDbb: boolean, private readonly feeds: readonly string[] | undefined) {
    for (const kind of ['bars', 'trades', 'quotes'] as const) {
      const bySymbol = new Map(Object.entries(recording[kind] ?? {}).map(([s, items]) => [s.toUpperCase(), toSeries(items)]));
      if (kind === 'bars' && includeDbb && !bySymbol.has('DBB')) bySymbol.set('DBB', dbbSeries());
      this.data.set(kind, bySymbol);
    }
  }

  serve(kind: AlpacaRestKind, params: URLSearchParams): Record<string, unknown> {
    feedOf(params, 'sip', FEEDS, this.feeds);
    if (kind === 'bars' && param(params, 'timeframe') !== '1Min') throw new BadRequest('the simulator records timeframe=1Min only');
    if (kind === 'bars' && (params.get('adjustment') ?? 'raw') !== 'raw') throw new BadRequest('the simulator records adjustment=raw only');
    const { items, next } = page(this.data.get(kind)!, pageQuery(params));
    return { [kind]: items, next_page_token: next };
  }
}
