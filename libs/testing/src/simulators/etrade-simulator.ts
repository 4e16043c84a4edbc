import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { fixturesDir } from '@md/fixtures';

// A protocol-faithful E*TRADE API server on 127.0.0.1 (apisb.etrade.com/docs/api): the OAuth 1.0a
// token flow (/oauth/request_token, /e/t/etws/authorize, /oauth/access_token, renew, revoke) and two
// Market endpoints, GET /v1/market/quote/{symbols} and GET /v1/market/optionchains, in JSON. Every
// request's HMAC-SHA1 signature is verified here per RFC 5849 section 3.4, written from the RFC and
// not from the client's signer, so a passing test shows the two agree. Token lifetimes follow
// "Get Access Token": expiry at midnight US Eastern, inactive after two hours without requests.

/** RFC 5849 3.6: every byte of the UTF-8 form except ALPHA / DIGIT / "-" / "." / "_" / "~" as %XX, upper-case hex. */
export function rfc5849Encode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || [0x2d, 0x2e, 0x5f, 0x7e].includes(byte);
    out += unreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** RFC 5849 3.5.1: `OAuth realm="x", name="percent-encoded value", ...`; names and values decoded. */
export function parseAuthorizationHeader(header: string | undefined): Array<[string, string]> | undefined {
  const m = /^OAuth\s+(.*)$/is.exec(header ?? '');
  if (!m) return undefined;
  return [...m[1].matchAll(/([^\s=,]+)\s*=\s*"([^"]*)"/g)].map(([, name, value]) => [decodeURIComponent(name), decodeURIComponent(value)]);
}

export interface SignedRequest {
  method: string;
  /** Absolute URL as the client addressed it, query included. */
  url: string;
  /** The Authorization header's parameters (realm is left out here, 3.4.1.3.1). */
  oauthParams: ReadonlyArray<[string, string]>;
  /** Decoded application/x-www-form-urlencoded body parameters, if any. */
  bodyParams?: ReadonlyArray<[string, string]>;
}

/** RFC 5849 3.4.1: method & base string URI & normalized parameters, each percent-encoded. */
export function signatureBaseString(req: SignedRequest): string {
  const url = new URL(req.url);
  const defaultPort = (url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443');
  const baseUri = `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${url.port && !defaultPort ? `:${url.port}` : ''}${url.pathname}`;
  const params = [...url.searchParams, ...req.oauthParams, ...(req.bodyParams ?? [])]
    .filter(([name]) => name !== 'realm' && name !== 'oauth_signature')
    .map(([name, value]) => [rfc5849Encode(name), rfc5849Encode(value)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return [req.method.toUpperCase(), rfc5849Encode(baseUri), rfc5849Encode(params)].join('&');
}

/** RFC 5849 3.4.2: HMAC-SHA1 keyed by encoded client secret "&" encoded token secret, base64. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${rfc5849Encode(consumerSecret)}&${rfc5849Encode(tokenSecret)}`).update(baseString).digest('base64');
}

export interface EtradeSimulatorOptions {
  consumerKey: string;
  consumerSecret: string;
  /** QuoteData as E*TRADE serialises it (detailFlag=ALL), by symbol. */
  quotes?: Readonly<Record<string, unknown>>;
  /** OptionPair lists by "SYMBOL:YYYY-MM-DD". Default: the real July 2024 snapshot (fixtures/options). */
  chains?: Readonly<Record<string, unknown[]>>;
  /** Market requests a second per consumer key ("Rate Limits": Market module, 4 a second). */
  requestsPerSecond?: number;
  /** Status of a throttled request. The v0 guide documents 400 with an HTML page; default 429. */
  throttleStatus?: 400 | 429;
  /** Clock (ms) for timestamps and token lifetimes. Default Date.now. */
  now?: () => number;
}

interface Token { secret: string; verifier?: string; callback?: string; expiresAt: number; lastUsed: number; revoked?: boolean }
interface Answer { status: number; body: string; type?: string; headers?: Record<string, string> }

const TIMESTAMP_WINDOW_S = 300; // "Must be accurate to within five minutes."
const REQUEST_TOKEN_TTL_MS = 5 * 60_000; // request tokens expire after five minutes
const INACTIVE_AFTER_MS = 2 * 3_600_000; // "if the application does not make any requests for two hours"
const MAX_NONCES = 100_000;
const THROTTLED = '<html><body>Number of requests exceeded the rate limit set</body></html>';

const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body), type: 'application/json' });
const form = (params: Record<string, string>): Answer => ({ status: 200, body: new URLSearchParams(params).toString(), type: 'application/x-www-form-urlencoded' });
const problem = (name: string, status = 401): Answer => ({ status, body: `oauth_problem=${name}`, type: 'application/x-www-form-urlencoded' });
/** Request tokens are asked for with the consumer secret alone (RFC 5849 2.1): an empty token secret. */
const NO_TOKEN: Token = { secret: '', expiresAt: Infinity, lastUsed: 0 };
const newToken = () => randomBytes(24).toString('base64'); // with "+", "/" and "=", as E*TRADE's are

export class EtradeSimulator {
  /** Responses by status code, e.g. { 200: 12, 401: 1 }. */
  readonly statusCounts: Record<number, number> = {};
  /** Get Quote requests answered with quotes (200): a test that changes `quotes` waits for the next one. */
  quotesServed = 0;
  /** Set a number to throttle every Nth Market request regardless of rate. */
  throttleEvery: number | undefined;
  private failures: { count: number; status: number } = { count: 0, status: 500 };
  private readonly requestTokens = new Map<string, Token>();
  private readonly accessTokens = new Map<string, Token>();
  private readonly nonces = new Map<string, number>();
  private readonly window = { second: 0, count: 0 };
  private marketRequests = 0;
  private readonly chains: Readonly<Record<string, unknown[]>>;

  private constructor(private readonly options: EtradeSimulatorOptions, private readonly server: Server) {
    this.chains = options.chains ?? snapshotChains();
    server.on('request', (req, res) => this.handle(req, res));
  }

  static async start(options: EtradeSimulatorOptions): Promise<EtradeSimulator> {
    const simulator = new EtradeSimulator(options, createServer());
    await new Promise<void>((resolve, reject) => simulator.server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return simulator;
  }

  /** Stand-in for https://api.etrade.com (and for us.etrade.com, which serves /e/t/etws/authorize). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Fault: every access token goes inactive, as after two idle hours; Renew Access Token revives it. */
  inactivateTokens(): void {
    for (const token of this.accessTokens.values()) token.lastUsed = -Infinity;
  }

  /** Fault: the next `count` Market requests answer `status` (E*TRADE's HTML error page), before any other check of the request. */
  failNext(count = 1, status = 500): void {
    this.failures = { count, status };
  }

  /**
   * What Get Access Token hands out once the user has approved the app in the browser (TOKEN-FLOW.md
   * steps 1-4), for demos and tests that start a service with a token; requests are still verified.
   */
  issueAccessToken(): { key: string; secret: string } {
    const key = newToken();
    const midnight = DateTime.fromMillis(this.now(), { zone: 'America/New_York' }).plus({ days: 1 }).startOf('day').toMillis();
    this.accessTokens.set(key, { secret: newToken(), expiresAt: midnight, lastUsed: this.now() });
    return { key, secret: this.accessTokens.get(key)!.secret };
  }

  /** Fault: every access token expires, as at midnight US Eastern; only a new token flow helps. */
  expireTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = this.now();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const answer = this.answer(req);
    this.statusCounts[answer.status] = (this.statusCounts[answer.status] ?? 0) + 1;
    res.writeHead(answer.status, { 'content-type': answer.type ?? 'text/html', ...answer.headers }).end(answer.body);
  }

  private answer(req: IncomingMessage): Answer {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (req.method !== 'GET') return { status: 405, body: 'GET only' };
    if (this.failures.count > 0 && url.pathname.startsWith('/v1/market/')) {
      this.failures.count--;
      return { status: this.failures.status, body: `<html><body>Error ${this.failures.status}</body></html>` };
    }
    if (url.pathname === '/e/t/etws/authorize') return this.authorize(url.searchParams);
    const oauth = parseAuthorizationHeader(req.headers.authorization);
    if (!oauth) return problem('parameter_absent&oauth_parameters_absent=Authorization');
    const p = Object.fromEntries(oauth);
    const path = url.pathname.replace(/\.json$/, '');
    if (path === '/oauth/request_token') return this.checkSignature(req.method, url, oauth, NO_TOKEN) ?? this.requestToken(p.oauth_callback);
    // The token secret that signs: the request token's for access_token, the access token's for the rest.
    const token = (path === '/oauth/access_token' ? this.requestTokens : this.accessTokens).get(p.oauth_token ?? '');
    const refused = this.checkSignature(req.method, url, oauth, token);
    return refused ?? this.route(path, url, p, token!, req.headers.accept);
  }

  /** RFC 5849 3.2: consumer, method, timestamp, signature, then nonce (3.3). Undefined when accepted. */
  private checkSignature(method: string, url: URL, oauth: Array<[string, string]>, token: Token | undefined): Answer | undefined {
    const p = Object.fromEntries(oauth);
    if (p.oauth_consumer_key !== this.options.consumerKey) return problem('consumer_key_unknown');
    if (p.oauth_signature_method !== 'HMAC-SHA1') return problem('signature_method_rejected', 400);
    if (p.oauth_version !== undefined && p.oauth_version !== '1.0') return problem('version_rejected', 400);
    if (!token) return problem('token_rejected');
    const nowS = Math.floor(this.now() / 1000);
    if (!/^\d+$/.test(p.oauth_timestamp ?? '') || Math.abs(Number(p.oauth_timestamp) - nowS) > TIMESTAMP_WINDOW_S) return problem('timestamp_refused', 400);
    const expected = hmacSha1Signature(signatureBaseString({ method, url: url.href, oauthParams: oauth }), this.options.consumerSecret, token.secret);
    const given = Buffer.from(p.oauth_signature ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) return problem('signature_invalid');
    return this.useNonce(`${p.oauth_token ?? ''}|${p.oauth_timestamp}|${p.oauth_nonce ?? ''}`, nowS);
  }

  /** A nonce is single-use for its timestamp and token; remembered as long as its timestamp is acceptable. */
  private useNonce(key: string, nowS: number): Answer | undefined {
    if (this.nonces.has(key)) return problem('nonce_used');
    // Insertion order is time order: forget from the oldest while too old to be accepted, or over the bound.
    for (const [k, at] of this.nonces) {
      if (at >= nowS - 2 * TIMESTAMP_WINDOW_S && this.nonces.size < MAX_NONCES) break;
      this.nonces.delete(k);
    }
    this.nonces.set(key, nowS);
    return undefined;
  }

  private route(path: string, url: URL, p: Record<string, string>, token: Token, accept?: string): Answer {
    if (path === '/oauth/access_token') return this.accessToken(p, token);
    const refused = this.checkAccessToken(token, path === '/oauth/renew_access_token');
    if (refused) return refused;
    if (path === '/oauth/renew_access_token') return { status: 200, body: 'Access Token has been renewed' };
    if (path === '/oauth/revoke_access_token') {
      token.revoked = true;
      return { status: 200, body: 'Revoked Access Token' };
    }
    if (!url.pathname.endsWith('.json') && !accept?.includes('application/json')) return json(406, { Error: { message: 'the simulator answers JSON only: add .json or Accept: application/json' } });
    const throttled = this.throttle();
    if (throttled) return throttled;
    const quote = /^\/v1\/market\/quote\/([^/]+)$/.exec(path);
    if (quote) return this.quotes(decodeURIComponent(quote[1]), url.searchParams);
    if (path === '/v1/market/optionchains') return this.optionChain(url.searchParams);
    return json(404, { Error: { message: 'not found' } });
  }

  private requestToken(callback: string | undefined): Answer {
    if (!callback) return problem('parameter_absent&oauth_parameters_absent=oauth_callback', 400);
    const token = newToken();
    this.requestTokens.set(token, { secret: newToken(), callback, expiresAt: this.now() + REQUEST_TOKEN_TTL_MS, lastUsed: this.now() });
    return form({ oauth_token: token, oauth_token_secret: this.requestTokens.get(token)!.secret, oauth_callback_confirmed: 'true' });
  }

  /** The user's browser: signs in, approves, and sees the verifier (oob) or is sent to the callback. */
  private authorize(params: URLSearchParams): Answer {
    const token = this.requestTokens.get(params.get('token') ?? '');
    if (params.get('key') !== this.options.consumerKey || !token || token.expiresAt < this.now()) return { status: 400, body: 'invalid key or token' };
    token.verifier = randomBytes(4).toString('hex').slice(0, 5).toUpperCase();
    if (token.callback && token.callback !== 'oob') {
      return { status: 302, body: '', headers: { location: `${token.callback}${token.callback.includes('?') ? '&' : '?'}oauth_verifier=${token.verifier}` } };
    }
    return { status: 200, body: `<html><body><p>Enter this code in your application:</p><input id="verifier" value="${token.verifier}"></body></html>` };
  }

  private accessToken(p: Record<string, string>, requestToken: Token): Answer {
    if (requestToken.expiresAt < this.now()) return problem('token_expired');
    if (!requestToken.verifier || p.oauth_verifier !== requestToken.verifier) return problem('permission_denied');
    this.requestTokens.delete(p.oauth_token); // a request token is exchanged once
    const token = this.issueAccessToken();
    return form({ oauth_token: token.key, oauth_token_secret: token.secret });
  }

  /** Expired at midnight US Eastern; inactive after two idle hours until renewed. */
  private checkAccessToken(token: Token, renewing: boolean): Answer | undefined {
    const now = this.now();
    if (token.revoked || now >= token.expiresAt) return problem('token_expired');
    if (!renewing && now - token.lastUsed > INACTIVE_AFTER_MS) return problem('token_rejected');
    token.lastUsed = now;
    return undefined;
  }

  /** Fixed one-second windows per consumer key, Market module only. */
  private throttle(): Answer | undefined {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.window.second) Object.assign(this.window, { second, count: 0 });
    this.window.count++;
    const forced = this.throttleEvery !== undefined && ++this.marketRequests % this.throttleEvery === 0;
    if (!forced && this.window.count <= (this.options.requestsPerSecond ?? 4)) return undefined;
    return { status: this.options.throttleStatus ?? 429, body: THROTTLED };
  }

  private quotes(list: string, params: URLSearchParams): Answer {
    const symbols = list.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    const max = params.get('overrideSymbolCount') === 'true' ? 50 : 25;
    if (symbols.length === 0 || symbols.length > max) return json(400, { Error: { message: `between 1 and ${max} symbols per request` } });
    if ((params.get('detailFlag') ?? 'ALL') !== 'ALL') return json(400, { Error: { message: 'the simulator records detailFlag=ALL only' } });
    const known = symbols.filter((s) => this.options.quotes?.[s]);
    const unknown = symbols.filter((s) => !this.options.quotes?.[s]);
    const response: Record<string, unknown> = { QuoteData: known.map((s) => this.options.quotes![s]) };
    if (unknown.length) response.Messages = { Message: unknown.map((s) => ({ description: `${s} is not a valid symbol`, type: 'WARNING' })) };
    this.quotesServed++;
    return json(200, { QuoteResponse: response });
  }

  private optionChain(params: URLSearchParams): Answer {
    const symbol = (params.get('symbol') ?? '').toUpperCase();
    const [y, m, d] = ['expiryYear', 'expiryMonth', 'expiryDay'].map((n) => params.get(n));
    const keys = Object.keys(this.chains).filter((k) => k.startsWith(`${symbol}:`)).sort();
    // Without an expiry E*TRADE picks one; the simulator picks the nearest it has.
    const key = y && m && d ? `${symbol}:${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}` : keys[0];
    const pairs = key ? this.chains[key] : undefined;
    if (!pairs) return json(400, { Error: { message: `no option chain for ${symbol} expiring ${key?.split(':')[1] ?? 'soon'}` } });
    const [year, month, day] = key.split(':')[1].split('-').map(Number);
    return json(200, { OptionChainResponse: { OptionPair: pairs, timeStamp: Math.floor(this.now() / 1000), quoteType: 'DELAYED', SelectedED: { year, month, day } } });
  }
}

/** One contract of the snapshot CSV as an E*TRADE leg; empty fields are left out, and greeks beyond IV are not in the recording. */
function snapshotLeg(cols: Record<string, string>): Record<string, unknown> {
  const m = /^([A-Z]+)(\d{6})([CP])(\d{8})$/.exec(cols.contractSymbol)!;
  const num = (name: string) => (cols[name] === '' ? undefined : Number(cols[name]));
  return {
    optionCategory: 'STANDARD', optionRootSymbol: m[1], symbol: m[1], optionType: m[3] === 'C' ? 'CALL' : 'PUT',
    strikePrice: num('strike'), bid: num('bid'), ask: num('ask'), lastPrice: num('lastPrice'), netChange: num('change'),
    volume: num('volume'), openInterest: num('openInterest'), inTheMoney: cols.inTheMoney === '1.0' ? 'y' : 'n',
    timeStamp: Math.floor(Date.parse(cols.lastTradeDate.replace(' ', 'T')) / 1000),
    osiKey: `${m[1].padEnd(6, '-')}${m[2]}${m[3]}${m[4]}`,
    OptionGreeks: cols.impliedVolatility === '' ? undefined : { iv: num('impliedVolatility'), currentValue: false },
  };
}

let snapshot: Record<string, unknown[]> | undefined;

/** fixtures/options/options_chain_snapshot_2024-07.csv as OptionPair lists by "ROOT:YYYY-MM-DD", strikes ascending. */
export function snapshotChains(): Record<string, unknown[]> {
  if (snapshot) return snapshot;
  const [header, ...lines] = readFileSync(join(fixturesDir(), 'options', 'options_chain_snapshot_2024-07.csv'), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const pairs = new Map<string, Map<number, Record<string, unknown>>>();
  for (const line of lines) {
    const cols = Object.fromEntries(line.split(',').map((v, i) => [names[i], v]));
    const m = /^([A-Z]+)(\d{2})(\d{2})(\d{2})([CP])/.exec(cols.contractSymbol);
    if (!m) continue;
    const byStrike = pairs.get(`${m[1]}:20${m[2]}-${m[3]}-${m[4]}`) ?? new Map<number, Record<string, unknown>>();
    pairs.set(`${m[1]}:20${m[2]}-${m[3]}-${m[4]}`, byStrike);
    const pair = byStrike.get(Number(cols.strike)) ?? {};
    byStrike.set(Number(cols.strike), { ...pair, [m[5] === 'C' ? 'Call' : 'Put']: snapshotLeg(cols) });
  }
  snapshot = Object.fromEntries([...pairs].map(([key, byStrike]) => [key, [...byStrike].sort(([a], [b]) => a - b).map(([, pair]) => pair)]));
  return snapshot;
}
