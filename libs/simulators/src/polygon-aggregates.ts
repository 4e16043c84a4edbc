import type { IncomingMessage } from 'node:http';
import { DateTime } from 'luxon';
import type { MinuteBar } from './minute-csv';

// Polygon's custom bars REST (polygon.io/docs/stocks/get_v2_aggs_ticker__stocksticker__range__multiplier___timespan___from___to):
// GET /v2/aggs/ticker/{ticker}/range/1/minute/{from}/{to}?adjusted&sort&limit, the key as `apiKey` or
// `Authorization: Bearer`, paged by `next_url` carrying an opaque `cursor`.

export interface PolygonRestFaults {
  /** Answer every Nth authorised request with 429. */
  rateLimitEvery?: number;
  /** Answer every Nth authorised request with 500 (counted apart from rateLimitEvery). */
  serverErrorEvery?: number;
  /**
   * Discrepancy injection: REST serves the bar this returns instead of the one streamed (undefined:
   * the same). Real REST aggregates are recomputed after late trades, so they can differ from the
   * AM event of the same minute (massive.com knowledge base, "Why am I receiving a late aggregate
   * bar"); e.g. `withLateTrade`.
   */
  revise?: (ticker: string, bar: MinuteBar) => MinuteBar | undefined;
}

/** The bar after one late trade of 100 shares at its high: volume up, close at the high, OHLC still valid. */
export const withLateTrade = (b: MinuteBar): MinuteBar => ({ ...b, c: b.h, v: b.v + 100, ...(b.n === undefined ? {} : { n: b.n + 1 }) });

const MAX_LIMIT = 50_000;
const ROUTE = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/(\d+)\/([a-z]+)\/([^/]+)\/([^/]+)$/;

/** `from`/`to` are inclusive: epoch ms, or a YYYY-MM-DD day, read in New York as Polygon builds bars in ET. */
function windowEdge(text: string, edge: 'start' | 'end'): number {
  if (/^\d+$/.test(text)) return Number(text);
  const day = DateTime.fromISO(text, { zone: 'America/New_York' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !day.isValid) throw new Error(`invalid ${edge === 'start' ? 'from' : 'to'}: ${text}`);
  return edge === 'start' ? day.toMillis() : day.endOf('day').toMillis();
}

/** The aggregates route over minute bars by ticker; `bars` is read at each request, so a live recording grows under it. */
export class PolygonAggregates {
  private count = 0;

  constructor(private readonly apiKey: string, private readonly bars: ReadonlyMap<string, readonly MinuteBar[]>, private readonly baseUrl: string) {}

  answer(req: IncomingMessage, url: URL, faults: PolygonRestFaults): { status: number; body: Record<string, unknown> } {
    const route = ROUTE.exec(url.pathname);
    if (!route || req.method !== 'GET') return { status: 404, body: { status: 'NOT_FOUND', message: 'not found' } };
    const key = url.searchParams.get('apiKey') ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (key !== this.apiKey) return { status: 401, body: { status: 'ERROR', error: 'Unknown API Key' } };
    const n = ++this.count;
    if (faults.rateLimitEvery && n % faults.rateLimitEvery === 0) {
      return { status: 429, body: { status: 'ERROR', error: "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue." } };
    }
    if (faults.serverErrorEvery && n % faults.serverErrorEvery === 0) return { status: 500, body: { status: 'ERROR', error: 'Internal server error' } };
    try {
      return { status: 200, body: this.aggregates(route.slice(1), url.searchParams, faults) };
    } catch (err) {
      return { status: 400, body: { status: 'ERROR', error: (err as Error).message } };
    }
  }

  private aggregates([ticker, multiplier, timespan, fromText, toText]: string[], params: URLSearchParams, faults: PolygonRestFaults): Record<string, unknown> {
    if (multiplier !== '1' || timespan !== 'minute') throw new Error('the simulator records 1/minute bars only');
    // next_url carries only an opaque cursor; ours is the query it continues, base64-encoded.
    const cursor = params.get('cursor');
    const query = cursor ? new URLSearchParams(Buffer.from(cursor, 'base64url').toString('utf8')) : params;
    const limit = Number(query.get('limit') ?? 5000);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new Error(`limit must be 1..${MAX_LIMIT}`);
    if ((query.get('sort') ?? 'asc') !== 'asc') throw new Error('the simulator serves sort=asc only');
    const adjusted = query.get('adjusted') !== 'false';
    const [from, to] = [windowEdge(fromText, 'start'), windowEdge(toText, 'end')];
    const all = this.bars.get(ticker) ?? [];
    const first = all.findIndex((b) => b.t >= from);
    const inWindow = first < 0 ? [] : all.slice(first).filter((b) => b.t <= to);
    const results = inWindow.slice(0, limit).map((b) => faults.revise?.(ticker, b) ?? b);
    const body: Record<string, unknown> = { ticker, queryCount: results.length, resultsCount: results.length, adjusted, status: 'OK', count: results.length };
    if (results.length) body.results = results;
    if (inWindow.length > limit) {
      const next = new URLSearchParams({ adjusted: String(adjusted), limit: String(limit), sort: 'asc' }).toString();
      body.next_url = `${this.baseUrl}/v2/aggs/ticker/${ticker}/range/1/minute/${inWindow[limit].t}/${toText}?cursor=${Buffer.from(next).toString('base64url')}`;
    }
    return body;
  }
}
