import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CorporateActionRecord, OptionQuoteRecord } from '@md/contracts';
import { parseOccSymbol, parseOptionChainCsv } from '@md/options';
import { DBB_MINUTE_FILE, OPTIONS_CHAIN_FILE, fixturePath } from '@md/fixtures';

// A protocol-faithful Alpaca Market Data historical server (docs.alpaca.markets) on 127.0.0.1,
// serving recorded data:
// - GET /v2/stocks/{bars,trades,quotes} ("Historical bars / trades / quotes") with symbols,
//   timeframe (bars), start/end (both inclusive), limit (1..10000, default 1000, "applies to the
//   total number of data points, not per symbol"), page_token, feed, sort=asc. Results are "sorted
//   by symbol first, then by timestamp", so a page may hold one symbol only.
// - GET /v1beta1/options/snapshots/{underlying_symbol} ("Option chain") with feed
//   (indicative|opra), limit (1..1000, default 100), page_token, type, strike_price_gte/lte,
//   expiration_date(_gte/_lte), root_symbol, updated_since: { snapshots: { OCC: snapshot }, next_page_token }.
// - GET /v1/corporate-actions ("Corporate actions") with symbols, types, start/end (inclusive, on
//   the process date, default today), limit (1..1000, default 100), sort, page_token:
//   { corporate_actions: { forward_splits: [...], cash_dividends: [...], ... }, next_page_token }.
// Every route checks the keys (401) and takes the same injected faults (429, 500, delays).

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
  /** Option chains as Alpaca serialises them, underlying -> OCC symbol -> snapshot; replaces the file's chain of that underlying. */
  optionChains?: Record<string, Record<string, unknown>>;
  /** Serve the shared July 2024 chain snapshot file (3,003 contracts) as option snapshots. Default true. */
  includeOptionsFile?: boolean;
  /** Option feeds the key may query (indicative, opra); others answer 403. Default both. */
  optionFeeds?: readonly string[];
  /** Corporate actions as Alpaca serialises them, by response group; see alpacaCorporateActionsRecording. */
  corporateActions?: AlpacaCorporateActionsRecording;
  faults?: AlpacaRestFaults;
}

/** Items per response group (forward_splits, reverse_splits, cash_dividends, spin_offs, ...). */
export type AlpacaCorporateActionsRecording = Partial<Record<string, unknown[]>>;

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
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FEEDS = ['iex', 'sip', 'otc', 'boats'];
const OPTION_FEEDS = ['indicative', 'opra'];
/** `types` names and the response group each lands in (CorporateActionsResp). */
const ACTION_GROUPS: Readonly<Record<string, string>> = {
  forward_split: 'forward_splits', reverse_split: 'reverse_splits', unit_split: 'unit_splits', stock_dividend: 'stock_dividends',
  cash_dividend: 'cash_dividends', spin_off: 'spin_offs', cash_merger: 'cash_mergers', stock_merger: 'stock_mergers',
  stock_and_cash_merger: 'stock_and_cash_mergers', redemption: 'redemptions', name_change: 'name_changes',
  worthless_removal: 'worthless_removals', rights_distribution: 'rights_distributions',
};

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
  const items = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split(/\r?\n/).slice(1).map((line) => {
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

/** UTC micros as Alpaca writes times: RFC-3339 with the fraction (microseconds here). */
function rfc3339(us: number): string {
  const seconds = Math.floor(us / 1_000_000);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(us - seconds * 1_000_000).padStart(6, '0')}Z`;
}

/**
 * A chain-file contract as Alpaca's snapshot of it: latestQuote (bid, ask) and latestTrade (last
 * and its time) with the file's values, its IV, and greeks only where the file has them. The file
 * has no quote time, sizes, exchanges, conditions or daily bar, so those are left out: the quote
 * is dated at the snapshot time (the file's latest trade, as the file connector dates it).
 */
function optionSnapshot(q: OptionQuoteRecord, snapshotTime: number): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {};
  if (q.bid !== null || q.ask !== null) snapshot.latestQuote = { t: rfc3339(snapshotTime), bp: Number(q.bid ?? 0), ap: Number(q.ask ?? 0) };
  if (q.last !== null && q.lastTradeTime !== null) snapshot.latestTrade = { t: rfc3339(q.lastTradeTime), p: Number(q.last) };
  if (q.impliedVolatility !== null) snapshot.impliedVolatility = q.impliedVolatility;
  if (q.greeksSource === 'provider') snapshot.greeks = { delta: q.delta, gamma: q.gamma, theta: q.theta, vega: q.vega, rho: q.rho };
  return snapshot;
}

let fileChains: Map<string, Map<string, unknown>> | undefined;

/** The shared chain file as Alpaca snapshots by underlying, read once per process (parsed by the file connector's parser). */
function optionsFileChains(): Map<string, Map<string, unknown>> {
  if (fileChains) return fileChains;
  const path = fixturePath(OPTIONS_CHAIN_FILE);
  // The rate only prices greeks, which are not served: Alpaca's come from the recording or not at all.
  const chain = parseOptionChainCsv(readFileSync(path, 'utf8'), { provider: 'alpaca', riskFreeRate: 0, ingestTime: 0 }, path);
  fileChains = new Map();
  for (const q of chain.quotes) {
    const byOcc = fileChains.get(q.underlying) ?? fileChains.set(q.underlying, new Map()).get(q.underlying)!;
    byOcc.set(q.occSymbol, optionSnapshot(q, chain.snapshotTime));
  }
  return fileChains;
}

/** The parts of a canonical action (LEAN's factor-file path, fixtures/corporate-actions) that Alpaca lists. */
export type CanonicalCorporateAction = Pick<CorporateActionRecord, 'symbol' | 'exDate' | 'kind' | 'ratioTo' | 'ratioFrom' | 'amount'>;

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

/** Alpaca's symbol field differs by group: symbol, source_symbol (spin-offs), old_symbol (unit splits, name changes). */
function listedActions(recording: AlpacaCorporateActionsRecording): ListedAction[] {
  const listed = Object.entries(recording).flatMap(([group, items]) => (items ?? []).map((item) => {
    const i = item as { symbol?: string; source_symbol?: string; old_symbol?: string; process_date?: string };
    return { group, item, symbol: String(i.symbol ?? i.source_symbol ?? i.old_symbol ?? '').toUpperCase(), processDate: String(i.process_date ?? '') };
  }));
  return listed.sort((a, b) => a.processDate.localeCompare(b.processDate));
}

function optionalNumber(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  if (!/^\d+(\.\d+)?$/.test(text)) throw new BadRequest(`invalid ${name}`);
  return Number(text);
}

function optionalDate(params: URLSearchParams, name: string): string | undefined {
  const text = params.get(name);
  if (text !== null && !DATE.test(text)) throw new BadRequest(`invalid ${name}: expected YYYY-MM-DD`);
  return text ?? undefined;
}

function limitOf(params: URLSearchParams, fallback: number, max: number): number {
  const text = params.get('limit') ?? String(fallback);
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > max) throw new BadRequest(`invalid limit: must be between 1 and ${max}`);
  return limit;
}

/** An opaque offset token bound to what it pages (so a token of another query is refused). */
const offsetToken = (scope: string, index: number) => Buffer.from(`${scope}|${index}`).toString('base64');

function offsetOf(params: URLSearchParams, scope: string): number {
  const token = params.get('page_token');
  if (!token) return 0;
  const text = Buffer.from(token, 'base64').toString('utf8');
  const cut = text.lastIndexOf('|');
  const index = text.slice(cut + 1);
  if (cut < 0 || text.slice(0, cut) !== scope || !/^\d+$/.test(index)) throw new BadRequest('invalid page_token');
  return Number(index);
}

function occContract(occ: string): ReturnType<typeof parseOccSymbol> | undefined {
  try {
    return parseOccSymbol(occ);
  } catch {
    return undefined;
  }
}

/** Whether one contract passes the chain filters (type, strike and expiration ranges, root, updated_since). */
function optionFilter(params: URLSearchParams): (occ: string, snapshot: unknown) => boolean {
  const type = params.get('type');
  if (type !== null && type !== 'call' && type !== 'put') throw new BadRequest('invalid type: must be call or put');
  const [strikeMin, strikeMax] = [optionalNumber(params, 'strike_price_gte') ?? 0, optionalNumber(params, 'strike_price_lte') ?? Infinity];
  const exact = optionalDate(params, 'expiration_date');
  const [expiryMin, expiryMax] = [exact ?? optionalDate(params, 'expiration_date_gte') ?? '', exact ?? optionalDate(params, 'expiration_date_lte') ?? '9999'];
  const root = params.get('root_symbol')?.toUpperCase();
  const since = params.get('updated_since') === null ? undefined : micros(params.get('updated_since')!);
  if (params.get('updated_since') !== null && since === undefined) throw new BadRequest('invalid updated_since: expected RFC-3339');
  return (occ, snapshot) => {
    const c = occContract(occ);
    if (!c) return true; // a malformed recorded symbol is served as given, for the client to reject
    const s = snapshot as { latestQuote?: { t?: string }; latestTrade?: { t?: string } };
    const updated = Math.max(micros(String(s.latestQuote?.t)) ?? -Infinity, micros(String(s.latestTrade?.t)) ?? -Infinity);
    return (type === null || c.type === (type === 'call' ? 'C' : 'P')) && Number(c.strike) >= strikeMin && Number(c.strike) <= strikeMax
      && c.expiry >= expiryMin && c.expiry <= expiryMax && (!root || c.root === root) && (since === undefined || updated >= since);
  };
}

export class AlpacaRestSimulator {
  /** Every request in arrival order (bounded to the last 100,000). */
  readonly log: SimulatedRequest[] = [];
  faults: AlpacaRestFaults;
  private readonly data = new Map<AlpacaRestKind, Map<string, Series>>();
  /** Underlying -> contracts sorted by OCC symbol (Alpaca lists a chain in symbol order); built at the first chain request. */
  private chains?: Map<string, [string, unknown][]>;
  private readonly actions: ListedAction[];
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
    this.actions = listedActions(options.corporateActions ?? {});
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

  /** The handler of a path, or undefined (404). */
  private route(path: string): ((params: URLSearchParams) => unknown) | undefined {
    const kind = /^\/v2\/stocks\/(bars|trades|quotes)$/.exec(path)?.[1] as AlpacaRestKind | undefined;
    if (kind) return (params) => this.serve(kind, params);
    const underlying = /^\/v1beta1\/options\/snapshots\/([^/]+)$/.exec(path)?.[1];
    if (underlying) return (params) => this.serveChain(decodeURIComponent(underlying).toUpperCase(), params);
    if (path === '/v1/corporate-actions') return (params) => this.serveActions(params);
    return undefined;
  }

  private answer(req: IncomingMessage, url: URL): { status: number; body: unknown; headers?: Record<string, string> } {
    const serve = this.route(url.pathname);
    if (!serve || req.method !== 'GET') return { status: 404, body: { message: 'not found' } };
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
      return { status: 200, body: serve(url.searchParams), headers };
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

  private chain(underlying: string): [string, unknown][] {
    if (!this.chains) {
      const chains = new Map(this.options.includeOptionsFile === false ? [] : optionsFileChains());
      for (const [name, byOcc] of Object.entries(this.options.optionChains ?? {})) chains.set(name.toUpperCase(), new Map(Object.entries(byOcc)));
      this.chains = new Map([...chains].map(([name, byOcc]) => [name, [...byOcc].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]));
    }
    return this.chains.get(underlying) ?? [];
  }

  private serveChain(underlying: string, params: URLSearchParams): Record<string, unknown> {
    // Alpaca's default is opra with an options subscription, else indicative; the simulator's keys have both.
    const feed = params.get('feed') ?? 'opra';
    if (!OPTION_FEEDS.includes(feed)) throw new BadRequest(`invalid feed: ${feed}`);
    if (this.options.optionFeeds && !this.options.optionFeeds.includes(feed)) throw new BadRequest(`subscription does not permit querying ${feed} data`);
    const limit = limitOf(params, 100, 1000);
    const keep = optionFilter(params);
    const scope = `${underlying}?${['type', 'strike_price_gte', 'strike_price_lte', 'expiration_date', 'expiration_date_gte', 'expiration_date_lte', 'root_symbol', 'updated_since'].map((n) => params.get(n) ?? '').join('|')}`;
    const listed = this.chain(underlying).filter(([occ, snapshot]) => keep(occ, snapshot));
    const from = offsetOf(params, scope);
    const slice = listed.slice(from, from + limit);
    return { snapshots: Object.fromEntries(slice), next_page_token: from + limit < listed.length ? offsetToken(scope, from + limit) : null };
  }

  private serveActions(params: URLSearchParams): Record<string, unknown> {
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
    return { corporate_actions: corporateActions, next_page_token: from + limit < listed.length ? offsetToken(scope, from + limit) : null };
  }
}
