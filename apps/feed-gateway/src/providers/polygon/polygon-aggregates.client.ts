import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { InvalidRecordError, MdError, type RawBar, type Timeframe } from '@md/contracts';
import { nowMicros } from '@md/market';
import { type PolygonAggsMapped, type PolygonAggsScope, type RequestBudget, TokenBucket, mapPolygonAggsPage } from '@md/providers';
import { backoffDelay, type BackoffPolicy } from '@md/kafka';
import { secretValue, type HistoricalBars, type Rejected, type Secret } from '@md/ingest';

// Polygon.io (Massive) REST custom bars (polygon.io/docs/stocks/get_v2_aggs_ticker__stocksticker__range__multiplier___timespan___from___to):
// GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}?adjusted=false&sort=asc&limit=50000,
// `from`/`to` inclusive (we send epoch ms), more pages by following `next_url` until it is absent.
// The key goes in `Authorization: Bearer` (accepted besides `apiKey=`), so no URL ever carries it.

export interface PolygonAggregatesOptions {
  /** https://api.polygon.io, or a simulator's. */
  baseUrl: string;
  /** Never logged, never in a URL; read at each request (a rotating key needs no restart). */
  apiKey: Secret;
  /** Bars per page, 1..50000 (Polygon's maximum). Default 50000: fewest requests. */
  pageLimit?: number;
  /** Request budget. Default: the free plan, 5 a minute. */
  budget?: RequestBudget;
  /** Per request, body included. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a 429, 5xx, timeout or network error per request. Default 5. */
  maxRetries?: number;
  /** Delays between those retries: capped exponential, full jitter. Polygon sends no Retry-After. Default 1 s doubling to 60 s. */
  backoff?: BackoffPolicy;
  /** Where unmappable bars go; without it bars() throws rather than drop one. */
  onRejected?: (rejected: Rejected) => Promise<void>;
  /** Provider name written into each record. Default "polygon". */
  provider?: string;
}

/** A Polygon REST call that failed; `status` is null when no HTTP answer came. */
export class PolygonRestError extends MdError {
  constructor(message: string, readonly status: number | null, retriable: boolean, cause?: unknown) {
    super(message, { retriable, cause });
  }
}

const MAX_LIMIT = 50_000;
const FREE_PLAN: RequestBudget = { requests: 5, perMs: 60_000, burst: 1 };
const TIMESPANS: Readonly<Record<Timeframe, string>> = { '1m': '1/minute', '5m': '5/minute', '15m': '15/minute', '1h': '1/hour', '1d': '1/day' };

export class PolygonAggregatesClient implements HistoricalBars {
  readonly provider: string;
  readonly stats = { requests: 0, retries: 0, pages: 0 };
  private readonly logger = new Logger(PolygonAggregatesClient.name);
  private readonly bucket: TokenBucket;
  private readonly base: URL;

  constructor(private readonly o: PolygonAggregatesOptions) {
    this.provider = o.provider ?? 'polygon';
    this.base = new URL(o.baseUrl);
    this.bucket = TokenBucket.forBudget(o.budget ?? FREE_PLAN);
    const limit = o.pageLimit ?? MAX_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new RangeError(`pageLimit must be 1..${MAX_LIMIT}`);
  }

  /** Raw (adjusted=false) bars of each symbol over [fromUs, toUs), one page at a time, oldest first. */
  async *bars(symbols: readonly string[], timeframe: Timeframe, fromUs: number, toUs: number): AsyncGenerator<RawBar[]> {
    if (!(fromUs < toUs)) throw new RangeError('bars() needs fromUs < toUs');
    for (const symbol of new Set(symbols.map((s) => s.trim().toUpperCase()))) {
      const scope: PolygonAggsScope = { provider: this.provider, ingestTime: 0, symbol, timeframe, fromUs, toUs };
      for await (const page of this.pages(scope)) yield page;
    }
  }

  private firstUrl(s: PolygonAggsScope): string {
    const [from, to] = [Math.ceil(s.fromUs / 1000), Math.ceil(s.toUs / 1000) - 1]; // Polygon's `to` is inclusive
    const query = `adjusted=false&sort=asc&limit=${this.o.pageLimit ?? MAX_LIMIT}`;
    return new URL(`/v2/aggs/ticker/${encodeURIComponent(s.symbol)}/range/${TIMESPANS[s.timeframe]}/${from}/${to}?${query}`, this.base).href;
  }

  private async *pages(scope: PolygonAggsScope): AsyncGenerator<RawBar[]> {
    const seen = new Set<string>();
    let url: string | null = this.firstUrl(scope);
    while (url) {
      seen.add(url);
      const page = this.map(await this.get(url), { ...scope, ingestTime: nowMicros() }, url);
      this.stats.pages++;
      for (const r of page.rejected) await this.reject({ payload: JSON.stringify(r.event), reason: r.reason, source: `polygon-rest ${url}` });
      yield page.records;
      url = this.follow(page.nextUrl, seen);
    }
  }

  /** next_url must stay on our host (the key goes with it) and must not repeat a page. */
  private follow(next: string | null, seen: Set<string>): string | null {
    if (next === null) return null;
    const url = new URL(next, this.base);
    if (url.origin !== this.base.origin) throw new PolygonRestError(`next_url leads to ${url.origin}, not ${this.base.origin}: refused`, 200, false);
    if (seen.has(url.href)) throw new PolygonRestError(`next_url repeats ${url.href}`, 200, false);
    return url.href;
  }

  private map(body: unknown, scope: PolygonAggsScope, url: string): PolygonAggsMapped {
    try {
      return mapPolygonAggsPage(body, scope);
    } catch (err) {
      if (!(err instanceof InvalidRecordError)) throw err;
      throw new PolygonRestError(`GET ${url}: ${err.message}`, 200, false, err);
    }
  }

  private async reject(rejected: Rejected): Promise<void> {
    if (!this.o.onRejected) throw new PolygonRestError(`${rejected.source}: ${rejected.reason} (no onRejected to dead-letter it)`, 200, false);
    await this.o.onRejected(rejected);
  }

  /** One GET under the budget, retried on 429, 5xx, timeouts and network errors with backoff. */
  private async get(url: string): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      for (let wait = this.bucket.take(); wait > 0; wait = this.bucket.take()) await sleep(wait);
      this.stats.requests++;
      const answer = await this.attempt(url);
      if ('body' in answer) return answer.body;
      if (!answer.retriable || attempt >= (this.o.maxRetries ?? 5)) throw new PolygonRestError(`GET ${url}: ${answer.reason}`, answer.status, answer.retriable);
      const delay = backoffDelay(attempt, this.o.backoff ?? { initialMs: 1000, maxMs: 60_000 });
      this.logger.warn(`GET ${url}: ${answer.reason}; retry ${attempt + 1} in ${delay} ms`);
      this.stats.retries++;
      await sleep(delay);
    }
  }

  private async attempt(url: string): Promise<{ body: unknown } | { status: number | null; reason: string; retriable: boolean }> {
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${secretValue(this.o.apiKey)}`, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      if (res.status === 200) return { body: JSON.parse(text) };
      const retriable = res.status === 429 || res.status >= 500;
      return { status: res.status, reason: `HTTP ${res.status}: ${this.redact(errorMessage(text))}`, retriable };
    } catch (err) {
      const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : this.redact((err as Error).message);
      return { status: null, reason, retriable: !(err instanceof SyntaxError) };
    }
  }

  private redact(text: string): string {
    const key = secretValue(this.o.apiKey);
    return key.length >= 4 ? text.split(key).join('***') : text;
  }
}

/** Polygon's error bodies are `{"status":"ERROR","error":"..."}` (or `message`). */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const said = body.error ?? body.message;
    if (typeof said === 'string') return said;
  } catch {
    // not JSON: shown as text
  }
  return text.slice(0, 200);
}
