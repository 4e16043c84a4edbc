import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import OAuth from 'oauth-1.0a';
import { InvalidRecordError, MdError, type QuoteRecord } from '@md/contracts';
import { nowMicros } from '@md/market';
import { type EtradeMapped, type EtradeOptionQuote, TokenBucket, mapEtradeOptionChain, mapEtradeQuotes } from '@md/providers';
import { backoffDelay, type BackoffPolicy } from '@md/kafka';
import type { Rejected } from '@md/ingest';

// E*TRADE API (apisb.etrade.com/docs/api): every request signed with OAuth 1.0a HMAC-SHA1 in the
// Authorization header (RFC 5849 3.5.1), by the oauth-1.0a package. The token flow is in
// TOKEN-FLOW.md. Rate limits ("Rate Limits"): Market module 4 requests a second and 14,000 an hour
// per consumer key; one Get Quote call of up to 25 symbols counts as one request. A throttled request
// answers 429 here, or 400 with "Number of requests exceeded the rate limit set" (v0 guide).

export interface EtradeClientOptions {
  /** https://api.etrade.com (live), https://apisb.etrade.com (sandbox), or a simulator's. */
  baseUrl: string;
  /** Where users approve the app: https://us.etrade.com. Default: baseUrl (the simulator serves both). */
  authorizeBaseUrl?: string;
  consumerKey: string;
  /** Never logged, never in a URL. */
  consumerSecret: string;
  /** From the token flow; valid until midnight US Eastern. Not needed for the flow itself. */
  accessToken?: OAuth.Token;
  /** Requests a second, evenly spaced. Default 2: half the Market module's 4, and 7,200 an hour. */
  requestsPerSecond?: number;
  /** Per request, body included. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a throttled, 5xx, timed-out or failed request. Default 5. */
  maxRetries?: number;
  /** Delays between those retries: capped exponential, full jitter. Default 500 ms doubling to 30 s. */
  backoff?: BackoffPolicy;
  /** Where unmappable items go; without it optionChain() throws rather than drop one. */
  onRejected?: (rejected: Rejected) => Promise<void>;
  /** Provider name written into each record. Default "etrade". */
  provider?: string;
}

/** An E*TRADE call that failed; `status` is null when no HTTP answer came. */
export class EtradeError extends MdError {
  constructor(message: string, readonly status: number | null, retriable: boolean) {
    super(message, { retriable });
  }
}

export interface EtradeQuotes {
  records: QuoteRecord[];
  rejected: Rejected[];
}

/** Get Quote takes 25 symbols a call (50 with overrideSymbolCount). */
export const ETRADE_QUOTE_BATCH = 25;

type Answer = { status: number; text: string } | { status: null; text: string };

/** RFC 3986 query encoding; a "+" for a space would be signed differently by each side (RFC 5849 3.6). */
const query = (params: Record<string, string>) => Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
/** OAuth problems (oauth.net "Problem Reporting") that renewing the token cannot cure. */
const NOT_RENEWABLE = /signature_invalid|consumer_key_unknown|nonce_used|timestamp_refused/;
const isThrottled = (a: Answer) => a.status === 429 || (a.status === 400 && a.text.includes('exceeded the rate limit'));

export class EtradeClient {
  readonly provider: string;
  readonly stats = { requests: 0, retries: 0, throttled: 0, renewals: 0 };
  private readonly logger = new Logger(EtradeClient.name);
  private readonly oauth: OAuth;
  private readonly bucket: TokenBucket;
  private token?: OAuth.Token;

  constructor(private readonly o: EtradeClientOptions) {
    this.provider = o.provider ?? 'etrade';
    this.token = o.accessToken;
    this.oauth = new OAuth({
      consumer: { key: o.consumerKey, secret: o.consumerSecret }, signature_method: 'HMAC-SHA1',
      hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
    });
    const rate = o.requestsPerSecond ?? 2;
    if (!(rate > 0 && rate <= 4)) throw new RangeError('requestsPerSecond must be in (0, 4], the Market module\'s limit');
    this.bucket = new TokenBucket(1, rate / 1000); // one token: requests are spaced, never bursted
  }

  /** Step 1 of TOKEN-FLOW.md: a request token (valid five minutes) and the page where the user approves it. */
  async requestToken(callback = 'oob'): Promise<{ token: OAuth.Token; authorizeUrl: string }> {
    const form = new URLSearchParams(await this.call('/oauth/request_token', {}, undefined, { oauth_callback: callback }));
    const token = { key: form.get('oauth_token') ?? '', secret: form.get('oauth_token_secret') ?? '' };
    const authorize = new URL('/e/t/etws/authorize', this.o.authorizeBaseUrl ?? this.o.baseUrl);
    authorize.search = query({ key: this.o.consumerKey, token: token.key });
    return { token, authorizeUrl: authorize.href };
  }

  /** Step 3: exchanges the approved request token and the verifier the user was shown for an access token. */
  async accessToken(requestToken: OAuth.Token, verifier: string): Promise<OAuth.Token> {
    const form = new URLSearchParams(await this.call('/oauth/access_token', {}, requestToken, { oauth_verifier: verifier.trim() }));
    this.token = { key: form.get('oauth_token') ?? '', secret: form.get('oauth_token_secret') ?? '' };
    return this.token;
  }

  /** Reactivates a token idle for two hours; an expired one (after midnight US Eastern) cannot be renewed. */
  async renewAccessToken(): Promise<void> {
    await this.call('/oauth/renew_access_token', {}, this.requireToken());
    this.stats.renewals++;
  }

  /** Get Quote (detailFlag=ALL) for any number of symbols, 25 a request. */
  async quotes(symbols: readonly string[]): Promise<EtradeQuotes> {
    const unique = [...new Set(symbols.map((s) => s.trim().toUpperCase()))];
    const out: EtradeQuotes = { records: [], rejected: [] };
    for (let i = 0; i < unique.length; i += ETRADE_QUOTE_BATCH) {
      const batch = unique.slice(i, i + ETRADE_QUOTE_BATCH);
      const path = `/v1/market/quote/${batch.map(encodeURIComponent).join(',')}.json`;
      const page = await this.mapped(path, (body) => mapEtradeQuotes(body, { provider: this.provider, ingestTime: nowMicros(), symbols: batch }), { detailFlag: 'ALL' });
      out.records.push(...page.records);
      out.rejected.push(...page.rejected);
    }
    return out;
  }

  /** Get Option Chains for one expiry (YYYY-MM-DD), calls and puts, weeklies included. */
  async optionChain(symbol: string, expiry: string): Promise<EtradeOptionQuote[]> {
    const [y, m, d] = expiry.split('-').map(Number);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expiry)) throw new RangeError(`expiry must be YYYY-MM-DD, got ${expiry}`);
    const params = { symbol: symbol.toUpperCase(), expiryYear: String(y), expiryMonth: String(m), expiryDay: String(d), chainType: 'CALLPUT', includeWeekly: 'true' };
    const { records, rejected } = await this.mapped('/v1/market/optionchains.json', mapEtradeOptionChain, params);
    for (const r of rejected) {
      if (!this.o.onRejected) throw new EtradeError(`${r.source}: ${r.reason} (no onRejected to dead-letter it)`, 200, false);
      await this.o.onRejected(r);
    }
    return records;
  }

  /**
   * A signed GET of any API path (Market, Accounts, Order) answering JSON, under the client's rate,
   * retries and token renewal; null for 204 No Content (List Transactions' "no results"). `label`
   * stands for the path in logs and errors: an account's path carries its accountIdKey, never logged.
   */
  async getJson(path: string, params: Record<string, string> = {}, label = `GET ${path}`): Promise<unknown> {
    const text = await this.market(path, params, label);
    if (text === '') return null;
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new EtradeError(`${label}: the answer is not JSON (${(err as Error).message})`, 200, false);
    }
  }

  private async mapped<T>(path: string, map: (body: unknown) => EtradeMapped<T>, params: Record<string, string>): Promise<{ records: T[]; rejected: Rejected[] }> {
    const source = `etrade GET ${path}?${query(params)}`;
    const text = await this.market(path, params);
    try {
      const { records, rejected } = map(JSON.parse(text));
      return { records, rejected: rejected.map((r) => ({ payload: JSON.stringify(r.item), reason: `${r.at}: ${r.reason}`, source })) };
    } catch (err) {
      if (!(err instanceof InvalidRecordError) && !(err instanceof SyntaxError)) throw err;
      throw new EtradeError(`${source}: ${err.message}`, 200, false);
    }
  }

  /** An API call; an access token gone inactive is renewed once, then the call is repeated. */
  private async market(path: string, params: Record<string, string>, label = `GET ${path}`): Promise<string> {
    try {
      return await this.call(path, params, this.requireToken(), {}, label);
    } catch (err) {
      if (!(err instanceof EtradeError) || err.status !== 401 || NOT_RENEWABLE.test(err.message)) throw err;
      this.logger.warn(`E*TRADE refused the access token (${err.message}); renewing it once`);
      await this.renewAccessToken().catch((renewal: Error) => {
        throw new EtradeError(`E*TRADE access token expired or revoked (${renewal.message}): tokens end at midnight US Eastern; run the token flow again (TOKEN-FLOW.md)`, 401, false);
      });
      return this.call(path, params, this.requireToken(), {}, label);
    }
  }

  private requireToken(): OAuth.Token {
    if (!this.token) throw new EtradeError('no E*TRADE access token: run the token flow (TOKEN-FLOW.md) and configure it', null, false);
    return this.token;
  }

  /** One signed GET under the rate, retried with backoff when throttled, 5xx or unanswered. */
  private async call(path: string, params: Record<string, string>, token?: OAuth.Token, oauthExtra: Record<string, string> = {}, label = `GET ${path}`): Promise<string> {
    const qs = query(params);
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}${path}${qs ? `?${qs}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      for (let wait = this.bucket.take(); wait > 0; wait = this.bucket.take()) await sleep(wait);
      const answer = await this.send(url, token, oauthExtra);
      if (answer.status === 200 || answer.status === 204) return answer.text;
      const retriable = answer.status === null || answer.status >= 500 || isThrottled(answer);
      const reason = answer.status === null ? answer.text : `HTTP ${answer.status}: ${answer.text.replace(/<[^>]+>/g, ' ').trim().slice(0, 200)}`;
      if (!retriable || attempt >= (this.o.maxRetries ?? 5)) throw new EtradeError(`${label}: ${reason}`, answer.status, retriable);
      if (isThrottled(answer)) this.stats.throttled++;
      this.stats.retries++;
      const delay = backoffDelay(attempt, this.o.backoff ?? { initialMs: 500, maxMs: 30_000 });
      this.logger.warn(`${label}: ${reason}; retry ${attempt + 1} in ${delay} ms`);
      await sleep(delay);
    }
  }

  /** Signed afresh on every attempt: a nonce may be used once (RFC 5849 3.3). */
  private async send(url: string, token: OAuth.Token | undefined, oauthExtra: Record<string, string>): Promise<Answer> {
    const signed = { ...this.oauth.authorize({ url, method: 'GET', data: oauthExtra }, token), ...oauthExtra };
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    this.stats.requests++;
    try {
      const res = await fetch(url, { headers: { ...this.oauth.toHeader(signed), accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      return { status: null, text: (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err as Error).message };
    }
  }
}
