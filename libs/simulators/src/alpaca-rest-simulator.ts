import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer } from './local-server';
import { BadRequest } from './alpaca-rest-query';
import { AlpacaStocks, type AlpacaRestKind, type AlpacaRestRecording } from './alpaca-rest-stocks';
import { AlpacaOptionChains } from './alpaca-rest-option-chains';
import { AlpacaCorporateActions, type AlpacaCorporateActionsRecording } from './alpaca-rest-corporate-actions';
import { AlpacaRestLimits, type AlpacaRestFaults } from './alpaca-rest-limits';

// A protocol-faithful Alpaca Market Data historical server (docs.alpaca.markets) on 127.0.0.1,
// serving recorded data, one route a resource:
// - GET /v2/stocks/{bars,trades,quotes}: alpaca-rest-stocks.ts
// - GET /v1beta1/options/snapshots/{underlying_symbol}: alpaca-rest-option-chains.ts
// - GET /v1/corporate-actions: alpaca-rest-corporate-actions.ts
// Every route checks the keys (401) and takes the same injected faults (429, 500, delays:
// alpaca-rest-limits.ts).

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

export interface SimulatedRequest {
  atMs: number;
  path: string;
  params: Record<string, string>;
  status: number;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const MAX_LOG = 100_000;

export class AlpacaRestSimulator {
  /** Every request in arrival order (bounded to the last 100,000). */
  readonly log: SimulatedRequest[] = [];
  faults: AlpacaRestFaults;
  private readonly stocks: AlpacaStocks;
  private readonly chains: AlpacaOptionChains;
  private readonly actions: AlpacaCorporateActions;
  private readonly limits: AlpacaRestLimits;

  private constructor(private readonly options: AlpacaRestSimulatorOptions, private readonly server: LocalServer) {
    this.faults = { ...options.faults };
    this.stocks = new AlpacaStocks(options.recording ?? {}, options.includeDbb !== false, options.feeds);
    this.chains = new AlpacaOptionChains({ ...options, includeOptionsFile: options.includeOptionsFile !== false });
    this.actions = new AlpacaCorporateActions(options.corporateActions ?? {});
    this.limits = new AlpacaRestLimits(options.rateLimit ?? { requests: 200, windowMs: 60_000, enforce: false });
    server.serve((req, res) => void this.handle(req, res));
  }

  static start(options: AlpacaRestSimulatorOptions): Promise<AlpacaRestSimulator> {
    return LocalServer.host((server) => new AlpacaRestSimulator(options, server));
  }

  /** Base URL, the stand-in for https://data.alpaca.markets. */
  get url(): string {
    return this.server.url;
  }

  /** Closes the server, its sockets and any delayed answer. */
  stop(): Promise<void> {
    return this.server.close();
  }

  /** Answers 429 to everything for `durationMs`, with Retry-After counting down. */
  startRateLimitBurst(durationMs: number): void {
    this.limits.startBurst(durationMs);
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
    if (this.faults.delayMs) await this.server.sleep(this.faults.delayMs);
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  /** The handler of a path, or undefined (404). */
  private route(path: string): ((params: URLSearchParams) => unknown) | undefined {
    const kind = /^\/v2\/stocks\/(bars|trades|quotes)$/.exec(path)?.[1] as AlpacaRestKind | undefined;
    if (kind) return (params) => this.stocks.serve(kind, params);
    const underlying = /^\/v1beta1\/options\/snapshots\/([^/]+)$/.exec(path)?.[1];
    if (underlying) return (params) => this.chains.serve(decodeURIComponent(underlying).toUpperCase(), params);
    if (path === '/v1/corporate-actions') return (params) => this.actions.serve(params);
    return undefined;
  }

  private answer(req: IncomingMessage, url: URL): Answer {
    const serve = this.route(url.pathname);
    if (!serve || req.method !== 'GET') return { status: 404, body: { message: 'not found' } };
    // 401: "Authentication headers are missing or invalid" (Market Data API, responses).
    if (req.headers['apca-api-key-id'] !== this.options.keyId || req.headers['apca-api-secret-key'] !== this.options.secretKey) {
      return { status: 401, body: { message: 'request is not authorized' } };
    }
    const { status, headers } = this.limits.admit(this.faults);
    if (status === 429) return { status, body: { message: 'too many requests' }, headers };
    if (status === 500) return { status, body: { message: 'internal server error' }, headers };
    try {
      return { status: 200, body: serve(url.searchParams), headers };
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      const forbidden = err.message.startsWith('subscription');
      return { status: forbidden ? 403 : 400, body: { message: err.message }, headers };
    }
  }
}
