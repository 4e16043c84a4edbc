import { closedPosition, mapFillActivity, mapPosition, mapRestOrder, type AlpacaAccountScope } from '@md/providers';
import { MICROS_PER_MS, microsToIso } from '@md/market';
import type { PositionRecord } from '@md/contracts';
import type { CanonicalRecord, RecordSink } from '@md/ingest';
import type { AlpacaHttp } from '../alpaca/alpaca-rest.http';
import { AlpacaRestError } from '../alpaca/alpaca-rest.errors';

// What the trade_updates stream cannot give back: it has no replay, so events sent while the
// gateway was disconnected are lost to it (Alpaca docs, "Websocket Streaming"). After every
// (re)connect, once the stream listens again, the REST API is read for the window the stream may
// have missed: orders (GET /v2/orders, status=all, ascending, paged by `after` = the last order's
// submitted_at) and fills (GET /v2/account/activities/FILL, paged by page_token = the last
// activity's id). Both are idempotent downstream: an order state of the same revision changes no
// row, an execution id is stored once.

/** Orders and fills per page: Alpaca's maxima (orders limit 500, activities page_size 100). */
const ORDERS_PAGE = 500;
const ACTIVITIES_PAGE = 100;

export interface RecoveryWindow {
  /** Orders submitted since then are read (a long-lived order placed days ago still changes). */
  ordersSinceUs: number;
  /** Order states updated and fills executed since then are published. */
  changedSinceUs: number;
}

export interface RecoveryReport {
  orders: number;
  executions: number;
  rejected: number;
  /** The newest broker time read (an order state or a fill), µs; null when nothing changed. */
  newestUs: number | null;
}

type Publish = (records: CanonicalRecord[]) => Promise<void>;

const iso = (us: number) => microsToIso(us);

/** Every order state changed and every fill executed in the window, published oldest first. */
export async function recoverWindow(http: AlpacaHttp, sink: RecordSink, scope: () => AlpacaAccountScope, w: RecoveryWindow): Promise<RecoveryReport> {
  const report: RecoveryReport = { orders: 0, executions: 0, rejected: 0, newestUs: null };
  const saw = (us: number) => { report.newestUs = Math.max(report.newestUs ?? 0, us); };
  const publish: Publish = async (records) => { if (records.length) await sink.publish(records); };
  const reject = async (item: unknown, reason: string, source: string) => {
    report.rejected++;
    await sink.reject({ payload: JSON.stringify(item), reason, source });
  };
  for (let after = iso(w.ordersSinceUs); ;) {
    const page = await http.get('/v2/orders', { status: 'all', direction: 'asc', limit: String(ORDERS_PAGE), after, nested: 'false' });
    const items = Array.isArray(page) ? page : [];
    const records: CanonicalRecord[] = [];
    for (const item of items) {
      try {
        const order = mapRestOrder(item, scope());
        if (order.eventTime >= w.changedSinceUs) records.push({ kind: 'order', value: order });
        saw(order.eventTime);
      } catch (err) {
        await reject(item, (err as Error).message, 'alpaca-trading GET /v2/orders');
      }
    }
    await publish(records);
    report.orders += records.length;
    const last = items.at(-1) as { submitted_at?: string } | undefined;
    if (items.length < ORDERS_PAGE || !last?.submitted_at || last.submitted_at === after) break;
    after = last.submitted_at;
  }
  for (let token: string | undefined; ;) {
    const params: Record<string, string> = { after: iso(w.changedSinceUs), direction: 'asc', page_size: String(ACTIVITIES_PAGE), ...(token ? { page_token: token } : {}) };
    const page = await http.get('/v2/account/activities/FILL', params);
    const items = Array.isArray(page) ? page : [];
    const records: CanonicalRecord[] = [];
    for (const item of items) {
      try {
        const fill = mapFillActivity(item, scope());
        records.push({ kind: 'execution', value: fill });
        saw(fill.executionTime);
      } catch (err) {
        await reject(item, (err as Error).message, 'alpaca-trading GET /v2/account/activities/FILL');
      }
    }
    await publish(records);
    report.executions += records.length;
    const last = items.at(-1) as { id?: string } | undefined;
    if (items.length < ACTIVITIES_PAGE || !last?.id || last.id === token) break;
    token = last.id;
  }
  return report;
}

/**
 * Every open position (GET /v2/positions), and a closed one for each symbol of `wasOpen` that is
 * gone now: the account's whole book at one read. The caller publishes them.
 */
export async function readPositions(http: AlpacaHttp, scope: AlpacaAccountScope, wasOpen: Iterable<string>, source: string): Promise<PositionRecord[]> {
  const asOf = Date.now() * MICROS_PER_MS;
  const body = await http.get('/v2/positions', {});
  const open = (Array.isArray(body) ? body : []).map((item) => mapPosition(item, scope, asOf, source));
  const symbols = new Set(open.map((p) => p.symbol));
  return [...open, ...[...wasOpen].filter((s) => !symbols.has(s)).map((s) => closedPosition(s, scope, asOf, source))];
}

/** One symbol's position after a fill (GET /v2/positions/{symbol}); a 404 means the fill closed it. */
export async function positionAfterFill(http: AlpacaHttp, scope: AlpacaAccountScope, symbol: string): Promise<PositionRecord> {
  const asOf = Date.now() * MICROS_PER_MS;
  try {
    return mapPosition(await http.get(`/v2/positions/${encodeURIComponent(symbol)}`, {}), scope, asOf, 'after_fill');
  } catch (err) {
    if (err instanceof AlpacaRestError && err.status === 404) return closedPosition(symbol, scope, asOf, 'after_fill');
    throw err;
  }
}
