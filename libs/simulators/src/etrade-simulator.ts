import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer } from './local-server';
import { json, type Answer } from './etrade-answers';
import { EtradeOAuth } from './etrade-oauth';
import { EtradeAccountsLedger, type EtradeAccountsSeed } from './etrade-accounts';
import { snapshotChains } from './etrade-option-chains';

// A protocol-faithful E*TRADE API server on 127.0.0.1 (apisb.etrade.com/docs/api): the OAuth 1.0a
// token flow and signature check (etrade-oauth.ts, verifying with oauth1-signature.ts, written from
// RFC 5849 and not from the client's signer, so a passing test shows the two agree), two Market
// endpoints, GET /v1/market/quote/{symbols} and GET /v1/market/optionchains, and the account
// endpoints (etrade-accounts.ts: list, portfolio, orders, transactions), in JSON. "Rate Limits":
// per consumer key and per module, Market 4 requests a second, Accounts and Order 2 each.

export interface EtradeSimulatorOptions {
  consumerKey: string;
  consumerSecret: string;
  /** QuoteData as E*TRADE serialises it (detailFlag=ALL), by symbol. */
  quotes?: Readonly<Record<string, unknown>>;
  /** OptionPair lists by "SYMBOL:YYYY-MM-DD". Default: the real July 2024 snapshot (fixtures/options). */
  chains?: Readonly<Record<string, unknown[]>>;
  /** Market requests a second per consumer key ("Rate Limits": Market module, 4 a second). */
  requestsPerSecond?: number;
  /** Accounts-module and Order-module requests a second, each ("Rate Limits": 2 a second). */
  accountRequestsPerSecond?: number;
  /** Accounts, positions to start with; the ledger (`accounts`) changes them between polls. Default: no accounts. */
  etradeAccounts?: EtradeAccountsSeed;
  /** Status of a throttled request. The v0 guide documents 400 with an HTML page; default 429. */
  throttleStatus?: 400 | 429;
  /** Clock (ms) for timestamps and token lifetimes. Default Date.now. */
  now?: () => number;
}

const THROTTLED = '<html><body>Number of requests exceeded the rate limit set</body></html>';

export class EtradeSimulator {
  /** Responses by status code, e.g. { 200: 12, 401: 1 }. */
  readonly statusCounts: Record<number, number> = {};
  /** Get Quote requests answered with quotes (200): a test that changes `quotes` waits for the next one. */
  quotesServed = 0;
  /** Set a number to throttle every Nth API request (Market, Accounts, Order) regardless of rate. */
  throttleEvery: number | undefined;
  /** The accounts a test places, fills and cancels orders in, between polls. */
  readonly accounts: EtradeAccountsLedger;
  private failures: { count: number; status: number } = { count: 0, status: 500 };
  /** Fixed one-second windows per module. */
  private readonly windows = new Map<string, { second: number; count: number }>();
  private apiRequests = 0;
  private readonly chains: Readonly<Record<string, unknown[]>>;
  private readonly oauth: EtradeOAuth;

  private constructor(private readonly options: EtradeSimulatorOptions, private readonly server: LocalServer) {
    this.chains = options.chains ?? snapshotChains();
    this.oauth = new EtradeOAuth({ key: options.consumerKey, secret: options.consumerSecret }, () => this.now());
    this.accounts = new EtradeAccountsLedger(options.etradeAccounts ?? { accounts: [] }, () => this.now());
    server.serve((req, res) => this.handle(req, res));
  }

  static start(options: EtradeSimulatorOptions): Promise<EtradeSimulator> {
    return LocalServer.host((server) => new EtradeSimulator(options, server));
  }

  /** Stand-in for https://api.etrade.com (and for us.etrade.com, which serves /e/t/etws/authorize). */
  get url(): string {
    return this.server.url;
  }

  /** Fault: every access token goes inactive, as after two idle hours; Renew Access Token revives it. */
  inactivateTokens(): void {
    this.oauth.inactivateTokens();
  }

  /** Fault: the next `count` API requests (Market, Accounts, Order) answer `status` (E*TRADE's HTML error page), before any other check of the request. */
  failNext(count = 1, status = 500): void {
    this.failures = { count, status };
  }

  /**
   * What Get Access Token hands out once the user has approved the app in the browser (TOKEN-FLOW.md
   * steps 1-4), for demos and tests that start a service with a token; requests are still verified.
   */
  issueAccessToken(): { key: string; secret: string } {
    return this.oauth.issueAccessToken();
  }

  /** Fault: every access token expires, as at midnight US Eastern; only a new token flow helps. */
  expireTokens(): void {
    this.oauth.expireTokens();
  }

  /** Closes the server and its sockets. */
  stop(): Promise<void> {
    return this.server.close();
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
    if (this.failures.count > 0 && url.pathname.startsWith('/v1/')) {
      this.failures.count--;
      return { status: this.failures.status, body: `<html><body>Error ${this.failures.status}</body></html>` };
    }
    const path = url.pathname.replace(/\.json$/, '');
    return this.oauth.answer(url, path, req.headers.authorization) ?? this.api(path, url, req.headers.accept);
  }

  /** A Market, Accounts or Order request, signed with an active access token. */
  private api(path: string, url: URL, accept?: string): Answer {
    if (!url.pathname.endsWith('.json') && !accept?.includes('application/json')) return json(406, { Error: { message: 'the simulator answers JSON only: add .json or Accept: application/json' } });
    // List Orders belongs to the Order module, the other account endpoints to the Accounts module.
    const apiModule = path.startsWith('/v1/market/') ? 'market' : /^\/v1\/accounts\/[^/]+\/orders$/.test(path) ? 'order' : 'accounts';
    const throttled = this.throttle(apiModule);
    if (throttled) return throttled;
    if (apiModule !== 'market') return this.accounts.answer(path, url.searchParams, this.url) ?? json(404, { Error: { message: 'not found' } });
    const quote = /^\/v1\/market\/quote\/([^/]+)$/.exec(path);
    if (quote) return this.quotes(decodeURIComponent(quote[1]), url.searchParams);
    if (path === '/v1/market/optionchains') return this.optionChain(url.searchParams);
    return json(404, { Error: { message: 'not found' } });
  }

  /** Fixed one-second windows per consumer key and module. */
  private throttle(module: 'market' | 'accounts' | 'order'): Answer | undefined {
    const second = Math.floor(this.now() / 1000);
    const window = this.windows.get(module) ?? { second, count: 0 };
    if (second !== window.second) Object.assign(window, { second, count: 0 });
    this.windows.set(module, window);
    window.count++;
    const forced = this.throttleEvery !== undefined && ++this.apiRequests % this.throttleEvery === 0;
    const limit = module === 'market' ? this.options.requestsPerSecond ?? 4 : this.options.accountRequestsPerSecond ?? 2;
    if (!forced && window.count <= limit) return undefined;
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
