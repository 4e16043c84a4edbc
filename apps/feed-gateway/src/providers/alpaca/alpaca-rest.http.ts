import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { ALPACA_BASIC_BUDGET, TokenBucket, serverRetryAt, type RequestBudget } from '@md/providers';
import { secretValue, type Secret } from '@md/ingest';
import { AlpacaRestError, httpError, redact } from './alpaca-rest.errors';

/** Where Alpaca is and how politely to ask: what every Alpaca REST client is built from. */
export interface AlpacaConnection {
  /** https://data.alpaca.markets, or a simulator's URL. */
  baseUrl: string;
  /** Sent as APCA-API-KEY-ID, read at each request (a rotating key needs no restart). */
  keyId: Secret;
  /** Sent as APCA-API-SECRET-KEY; never logged, redacted from errors. */
  secretKey: Secret;
  /** The plan's request budget. Default: the basic plan, 200 a minute, 10 at once. */
  budget?: RequestBudget;
  /** Per request, body included. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a 5xx, timeout or network error per request. Default 5. */
  maxRetries?: number;
  /** 429s in a row per request before giving up. Default 10. */
  maxRateLimited?: number;
  /** Backoff for 5xx and for a 429 without Retry-After or reset. Default 500 ms doubling to 30 s. */
  backoff?: { initialMs: number; maxMs: number };
}

/** An AlpacaHttp with the documented defaults of AlpacaConnection. */
export function alpacaHttp(c: AlpacaConnection): AlpacaHttp {
  return new AlpacaHttp({
    baseUrl: c.baseUrl.replace(/\/+$/, ''), keyId: c.keyId, secretKey: c.secretKey,
    bucket: TokenBucket.forBudget(c.budget ?? ALPACA_BASIC_BUDGET),
    timeoutMs: c.timeoutMs ?? 30_000, maxRetries: c.maxRetries ?? 5, maxRateLimited: c.maxRateLimited ?? 10,
    backoff: c.backoff ?? { initialMs: 500, maxMs: 30_000 },
  });
}

/** One page as answered, with the query that fetched it (for dead-letter sources). */
export interface AlpacaPage {
  body: unknown;
  query: Record<string, string>;
}

export interface AlpacaHttpOptions {
  /** https://data.alpaca.markets (or a simulator). */
  baseUrl: string;
  keyId: Secret;
  secretKey: Secret;
  /** Taken before every request, retries included. */
  bucket: TokenBucket;
  /** Per request, headers and body. */
  timeoutMs: number;
  /** Attempts after a 5xx, a timeout or a network error before giving up (retriable error). */
  maxRetries: number;
  /** 429s in a row for one request before giving up (retriable error). */
  maxRateLimited: number;
  /** Capped exponential backoff with full jitter, for 5xx and for a 429 that names no time. */
  backoff: { initialMs: number; maxMs: number };
  random?: () => number;
}

/** What one client has done so far; the backfill reports these. */
export interface AlpacaHttpStats {
  requests: number;
  rateLimited: number;
  serverErrors: number;
  networkErrors: number;
  /** Time spent waiting for the token bucket, a Retry-After or a backoff. */
  waitedMs: number;
}

/** One GET with auth, rate limiting and retries; answers parsed JSON or throws AlpacaRestError. */
export class AlpacaHttp {
  readonly stats: AlpacaHttpStats = { requests: 0, rateLimited: 0, serverErrors: 0, networkErrors: 0, waitedMs: 0 };
  private readonly logger = new Logger(AlpacaHttp.name);

  constructor(private readonly o: AlpacaHttpOptions) {}

  async get(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<unknown> {
    const what = `GET ${path}?${new URLSearchParams(params)}`;
    for (let failures = 0, limited = 0; ; ) {
      await this.acquire(signal);
      this.stats.requests++;
      const answer = await this.attempt(`${this.o.baseUrl}${path}?${new URLSearchParams(params)}`, signal);
      if ('error' in answer) {
        failures = await this.retryLater(failures, what, answer.error, signal, () => this.stats.networkErrors++);
      } else if (answer.status === 200) {
        this.observeQuota(answer.headers);
        return parseJson(answer.text, what);
      } else if (answer.status === 429) {
        limited = this.rateLimited(limited, what, answer.headers);
      } else if (answer.status >= 500) {
        failures = await this.retryLater(failures, what, `HTTP ${answer.status}`, signal, () => this.stats.serverErrors++);
      } else {
        throw httpError(answer.status, what, this.redact(serverMessage(answer.text)), secretValue(this.o.keyId));
      }
    }
  }

  /**
   * Every page of a `page_token` endpoint, in order: follows `next_page_token` until it is null
   * ("Paging", Alpaca Market Data API); the caller holds one page at a time.
   */
  async *pages(path: string, params: Record<string, string>, signal?: AbortSignal): AsyncGenerator<AlpacaPage> {
    for (let token: string | null = null; ; ) {
      const query: Record<string, string> = token ? { ...params, page_token: token } : params;
      const body = await this.get(path, query, signal);
      yield { body, query };
      const next = (body as { next_page_token?: unknown } | null)?.next_page_token;
      if (typeof next !== 'string' || next === '') return;
      if (next === token) throw new AlpacaRestError(`${path}: Alpaca repeated page token ${token}`, 200, false);
      token = next;
    }
  }

  private redact(text: string): string {
    return redact(text, [secretValue(this.o.secretKey)]);
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    for (let wait = this.o.bucket.take(); wait > 0; wait = this.o.bucket.take()) await this.pause(wait, signal);
  }

  private async pause(ms: number, signal?: AbortSignal): Promise<void> {
    this.stats.waitedMs += ms;
    try {
      await sleep(ms, undefined, { signal });
    } catch (err) {
      throw signal?.aborted ? signal.reason : err;
    }
  }

  /** One request, its body read under the same timeout; network failures come back as `error`. */
  private async attempt(url: string, signal?: AbortSignal): Promise<{ status: number; headers: Headers; text: string } | { error: string }> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const headers = { 'APCA-API-KEY-ID': secretValue(this.o.keyId), 'APCA-API-SECRET-KEY': secretValue(this.o.secretKey), accept: 'application/json' };
    try {
      const res = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const reason = timeout.aborted ? `no answer within ${this.o.timeoutMs} ms` : (err as Error).message;
      return { error: this.redact(reason) };
    }
  }

  /** "X-RateLimit-Remaining: 0": the next request would be refused, so wait for the reset. */
  private observeQuota(headers: Headers): void {
    if (headers.get('x-ratelimit-remaining') !== '0') return;
    const at = serverRetryAt({ rateLimitReset: headers.get('x-ratelimit-reset') }, Date.now());
    if (at !== undefined) this.o.bucket.pauseUntil(at);
  }

  /** 429: wait as the server says (Retry-After, else X-RateLimit-Reset), else back off with jitter. */
  private rateLimited(limited: number, what: string, headers: Headers): number {
    this.stats.rateLimited++;
    if (limited >= this.o.maxRateLimited) {
      throw new AlpacaRestError(`Alpaca answered 429 to ${what} ${limited + 1} times in a row`, 429, true);
    }
    const now = Date.now();
    const at = serverRetryAt({ retryAfter: headers.get('retry-after'), rateLimitReset: headers.get('x-ratelimit-reset') }, now);
    // A reset already past (clock skew) says nothing useful: back off instead of hammering.
    this.o.bucket.pauseUntil(at !== undefined && at > now ? at : now + this.backoffMs(limited));
    return limited + 1;
  }

  private async retryLater(failures: number, what: string, reason: string, signal: AbortSignal | undefined, count: () => void): Promise<number> {
    count();
    if (failures >= this.o.maxRetries) {
      throw new AlpacaRestError(`${what} failed ${failures + 1} times, last: ${reason}`, null, true);
    }
    const wait = this.backoffMs(failures);
    this.logger.warn(`${what}: ${reason}; retry ${failures + 1}/${this.o.maxRetries} in ${wait} ms`);
    await this.pause(wait, signal);
    return failures + 1;
  }

  /** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"), capped. */
  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.o.backoff.maxMs, this.o.backoff.initialMs * 2 ** Math.min(attempt, 30));
    return Math.floor((this.o.random ?? Math.random)() * ceiling);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AlpacaRestError(`Alpaca answered ${what} with a body that is not JSON: ${text.slice(0, 120)}`, 200, false);
  }
}

/** Alpaca's error bodies are `{"message": "..."}`; anything else is shown as text, shortened. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body?.message === 'string') return body.message;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200);
}
