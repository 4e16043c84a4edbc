import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dbbFilePath } from '../dbb-fixture';

// A protocol-faithful Alpaca Market Data v2 historical server (docs.alpaca.markets, "Historical
// bars / trades / quotes") on 127.0.0.1, serving recorded data: GET /v2/stocks/{bars,trades,quotes}
// with symbols, timeframe (bars), start/end (both inclusive), limit (1..10000, default 1000,
// "applies to the total number of data points, not per symbol"), page_token, feed, sort=asc.
// Results are "sorted by symbol first, then by timestamp", so a page may hold one symbol only.

export type AlpacaRestKind = 'bars' | 'trades' | 'quotes';

/** Items as Alpaca serialises them, per symbol, in time order; malformed ones are served as given. */
export type AlpacaRestRecording = Partial<Record<AlpacaRestKind, Record<string, unknown[]>>>;

export interface AlpacaRestFaults {
  /** Answer every Nth authorised request with 429. */
  rateLimitEvery?: number;
  /** Answer every Nth authorised request with 500. */
  serverErrorEvery?: number;
  /** Wait this long before every answer (slow responses). */
  delayMs?: number;
  /** How an injected 429 says when to come back (default retry-after). */
  retryHint?: 'retry-after' | 'reset' | 'none';
  /** Seconds in the Retry-After of an injected 429 (default 1). */
  retryAfterSeconds?: number;
}

export interface AlpacaRestSimulatorOptions {
  keyId: string;
  secretKey: string;
  /** Added data; a symbol given here replaces the same symbol from the DBB file. */
  recording?: AlpacaRestRecording;
  /** Serve the real DBB minute file (naive UTC times) as 1Min bars of DBB. Default true. */
  includeDbb?: boolean;
  /** The plan limit, counted in fixed windows as X-RateLimit-Reset describes. Default 200 a minute. */
  rateLimit?: { requests: number; windowMs: number; enforce: boolean };
  /** Feeds the key may query; others answer 403 as a missing subscription does. Default all. */
  feeds?: readonly string[];
  faults?: AlpacaRestFaults;
}

export interface SimulatedRequest {
  atMs: number;
  path: string;
  params: Record<string, string>;
  status: number;
}

interface Series {
  items: unknown[];
  /** UTC micros per item; an unparseable `t` takes its predecessor's so it is still served. */
  times: number[];
}

class BadRequest extends Error {}

const MAX_LIMIT = 10_000;
const MAX_LOG = 100_000;
const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
const FEEDS = ['iex', 'sip', 'otc', 'boats'];

/** RFC-3339 (to the microsecond) or YYYY-MM-DD (UTC midnight) to UTC micros. */
function micros(text: string): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00Z`) * 1000;
  const m = TIME.exec(text);
  const ms = m ? Date.parse(m[1] + m[3]) : NaN;
  return Number.isNaN(ms) ? undefined : ms * 1000 + Number((m![2] ?? '').padEnd(6, '0').slice(0, 6));
}

function toSeries(items: unknown[]): Series {
  let last = -Infinity;
  const times = items.map((item) => (last = micros(String((item as { t?: unknown })?.t)) ?? last));
  return { items, times };
}

let dbbBars: Series | undefined;

/** The DBB file as Alpaca bars, read once per process (38,964 rows). */
function dbbSeries(): Series {
  if (dbbBars) return dbbBars;
  const items = readFileSync(dbbFilePath(), 'utf8').trim().split(/\r?\n/).slice(1).map((line) => {
    const [ts, o, h, l, c, v] = line.split(',');
    return { t: `${ts.replace(' ', 'T')}Z`, o: Number(o), h: Number(h), l: Number(l), c: Number(c), v: Number(v) };
  });
  return (dbbBars = toSeries(items));
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

// Alpaca's tokens are opaque base64 ("AAPL|2022-01-03T09:00:00.028294451Z|..."); ours say where to go on.
const encodeToken = (symbol: string, index: number) => Buffer.from(`${symbol}|${index}`).toString('base64');

function decodeToken(token: string): { symbol: string; index: number } {
  const [symbol, index] = Buffer.from(token, 'base64').toString('utf8').split('|');
  if (!symbol || !/^\d+$/.test(index ?? '')) throw new BadRequest('invalid page_token');
  return { symbol, index: Number(index) };
}

interface PageQuery {
  symbols: string[];
  startUs: number;
  endUs: number;
  limit: number;
  token?: { symbol: string; index: number };
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
      if (count === q.limit) return { items, next: encodeToken(symbol, i) };
      (items[symbol] ??= []).push(s.items[i]);
      count++;
    }
  }
  return { items, next: null };
}

function param(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new BadRequest(`missing ${name}`);
  return value;
}

function time(params: URLSearchParams, name: string): number {
  const value = micros(param(params, name));
  if (value === undefined) throw new BadRequest(`invalid ${name}: expected RFC-3339 or YYYY-MM-DD`);
  return value;
}

function pageQuery(params: URLSearchParams): PageQuery {
  const limitText = params.get('limit') ?? '1000';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) throw new BadRequest(`invalid limit: must be between 1 and ${MAX_LIMIT}`);
  if ((params.get('sort') ?? 'asc') !== 'asc') throw new BadRequest('the simulator serves sort=asc only');
  const symbols = [...new Set(param(params, 'symbols').split(',').map((s) => s.trim().toUpperCase()))].sort();
  const token = params.get('page_token');
  return { symbols, startUs: time(params, 'start'), endUs: time(params, 'end'), limit, token: token ? decodeToken(token) : undefined };
}

export class AlpacaRestSimulator {
  /** Every request in arrival order (bounded to the last 100,000). */
  readonly log: SimulatedRequest[] = [];
  faults: AlpacaRestFaults;
  private readonly data = new Map<AlpacaRestKind, Map<string, Series>>();
  private readonly rateLimit: { requests: number; windowMs: number; enforce: boolean };
  private readonly window = { startMs: 0, count: 0 };
  private authorised = 0;
  private burstUntil = 0;

  private constructor(private readonly options: AlpacaRestSimulatorOptions, private readonly server: Server) {
    this.faults = { ...options.faults };
    this.rateLimit = options.rateLimit ?? { requests: 200, windowMs: 60_000, enforce: false };
    for (const kind of ['bars', 'trades', 'quotes'] as const) {
      const bySymbol = new Map(Object.entries(options.recording?.[kind] ?? {}).map(([s, items]) => [s.toUpperCase(), toSeries(items)]));
      if (kind === 'bars' && options.includeDbb !== false && !bySymbol.has('DBB')) bySymbol.set('DBB', dbbSeries());
      this.data.set(kind, bySymbol);
    }
  }

  static async start(options: AlpacaRestSimulatorOptions): Promise<AlpacaRestSimulator> {
    const server = createServer();
    const simulator = new AlpacaRestSimulator(options, server);
    server.on('request', (req, res) => void simulator.handle(req, res));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return simulator;
  }

  /** Base URL, the stand-in for https://data.alpaca.markets. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Answers 429 to everything for `durationMs`, with Retry-After counting down. */
  startRateLimitBurst(durationMs: number): void {
    this.burstUntil = Date.now() + durationMs;
  }

  /** Requests by status code, e.g. { 200: 640, 429: 13 }. */
  countByStatus(): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const r of this.log) counts[r.status] = (counts[r.status] ?? 0) + 1;
    return counts;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { status, body, headers } = this.answer(req, url);
    if (this.log.length >= MAX_LOG) this.log.splice(0, MAX_LOG / 10);
    this.log.push({ atMs: Date.now(), path: url.pathname, params: Object.fromEntries(url.searchParams), status });
    if (this.faults.delayMs) await new Promise((r) => setTimeout(r, this.faults.delayMs));
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  private answer(req: IncomingMessage, url: URL): { status: number; body: unknown; headers?: Record<string, string> } {
    const kind = /^\/v2\/stocks\/(bars|trades|quotes)$/.exec(url.pathname)?.[1] as AlpacaRestKind | undefined;
    if (!kind || req.method !== 'GET') return { status: 404, body: { message: 'not found' } };
    // 401: "Authentication headers are missing or invalid" (Market Data API, responses).
    if (req.headers['apca-api-key-id'] !== this.options.keyId || req.headers['apca-api-secret-key'] !== this.options.secretKey) {
      return { status: 401, body: { message: 'request is not authorized' } };
    }
    const n = ++this.authorised;
    const headers = this.rateHeaders(Date.now());
    const limited = this.limitedRetry(n, headers);
    if (limited) return { status: 429, body: { message: 'too many requests' }, headers: { ...headers, ...limited } };
    if (this.faults.serverErrorEvery && n % this.faults.serverErrorEvery === 0) return { status: 500, body: { message: 'internal server error' }, headers };
    try {
      return { status: 200, body: this.serve(kind, url.searchParams), headers };
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      const forbidden = err.message.startsWith('subscription');
      return { status: forbidden ? 403 : 400, body: { message: err.message }, headers };
    }
  }

  /** X-RateLimit-Limit / -Remaining / -Reset over fixed windows; also counts this request. */
  private rateHeaders(nowMs: number): Record<string, string> {
    const { requests, windowMs } = this.rateLimit;
    // A window opens with the first request after the previous one closed.
    if (nowMs >= this.window.startMs + windowMs) Object.assign(this.window, { startMs: nowMs, count: 0 });
    const { startMs } = this.window;
    this.window.count++;
    return {
      'x-ratelimit-limit': String(requests),
      'x-ratelimit-remaining': String(Math.max(0, requests - this.window.count)),
      'x-ratelimit-reset': String(Math.ceil((startMs + windowMs) / 1000)),
    };
  }

  /** The extra headers of a 429 when this request is refused, else undefined. */
  private limitedRetry(n: number, headers: Record<string, string>): Record<string, string> | undefined {
    const now = Date.now();
    if (now < this.burstUntil) return { 'retry-after': String(Math.ceil((this.burstUntil - now) / 1000)) };
    if (this.rateLimit.enforce && this.window.count > this.rateLimit.requests) return {};
    if (!this.faults.rateLimitEvery || n % this.faults.rateLimitEvery !== 0) return undefined;
    const seconds = this.faults.retryAfterSeconds ?? 1;
    const hint = this.faults.retryHint ?? 'retry-after';
    // 'none': no Retry-After and an empty reset, so the client must fall back to its own backoff.
    if (hint === 'none') return { 'x-ratelimit-reset': '' };
    if (hint === 'reset') return { 'x-ratelimit-reset': String(Math.ceil(now / 1000) + seconds) };
    return { 'retry-after': String(seconds), 'x-ratelimit-reset': headers['x-ratelimit-reset'] };
  }

  private serve(kind: AlpacaRestKind, params: URLSearchParams): Record<string, unknown> {
    const feed = params.get('feed') ?? 'sip';
    if (!FEEDS.includes(feed)) throw new BadRequest(`invalid feed: ${feed}`);
    if (this.options.feeds && !this.options.feeds.includes(feed)) throw new BadRequest(`subscription does not permit querying ${feed} data`);
    if (kind === 'bars' && param(params, 'timeframe') !== '1Min') throw new BadRequest('the simulator records timeframe=1Min only');
    if (kind === 'bars' && (params.get('adjustment') ?? 'raw') !== 'raw') throw new BadRequest('the simulator records adjustment=raw only');
    const { items, next } = page(this.data.get(kind)!, pageQuery(params));
    return { [kind]: items, next_page_token: next };
  }
}
