import type { QuoteRecord, TradeRecord } from '@md/contracts';
import { InvalidRecordError, nowMicros, type RawBar, type Timeframe } from '@md/domain';
import {
  ALPACA_REST_TIMEFRAMES, mapAlpacaRestBars, mapAlpacaRestQuotes, mapAlpacaRestTrades,
  type AlpacaRestPage, type AlpacaRestScope,
} from '@md/domain';
import { ALPACA_BASIC_BUDGET, TokenBucket, type RequestBudget } from '@md/domain';
import type { HistoricalBars, Rejected } from '../provider';
import { AlpacaRestError } from './alpaca-rest.errors';
import { AlpacaHttp, type AlpacaHttpStats } from './alpaca-rest.http';
import { ALPACA_MAX_PAGE_LIMIT, windowParams, type AlpacaFeed } from './alpaca-rest.query';

export interface AlpacaRestClientOptions {
  /** https://data.alpaca.markets, or a simulator's URL. */
  baseUrl: string;
  /** Sent as APCA-API-KEY-ID. */
  keyId: string;
  /** Sent as APCA-API-SECRET-KEY; never logged, redacted from errors. */
  secretKey: string;
  feed: AlpacaFeed;
  /** Data points per page, counted across symbols (Alpaca: 1..10000). Default 10000: fewest requests. */
  pageLimit?: number;
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
  /** Where bars(), trades() and quotes() send unmappable items; without it they throw rather than drop one. */
  onRejected?: (rejected: Rejected) => Promise<void>;
  /** Provider name written into each record. Default "alpaca". */
  provider?: string;
}

/** Symbols over [fromUs, toUs), UTC epoch micros. */
export interface AlpacaWindow {
  symbols: readonly string[];
  fromUs: number;
  toUs: number;
}

/** One page as received: what mapped, and what did not (each with its reason). */
export interface AlpacaClientPage<T> {
  records: T[];
  rejected: Rejected[];
}

type Mapper<T> = (body: unknown, scope: AlpacaRestScope) => AlpacaRestPage<T>;

/** Alpaca Market Data v2 historical REST (stocks bars, trades, quotes), one page at a time. */
export class AlpacaRestClient implements HistoricalBars {
  readonly provider: string;
  private readonly http: AlpacaHttp;
  private readonly pageLimit: number;
  private pagesRead = 0;

  constructor(private readonly options: AlpacaRestClientOptions) {
    this.provider = options.provider ?? 'alpaca';
    this.pageLimit = options.pageLimit ?? ALPACA_MAX_PAGE_LIMIT;
    if (!Number.isInteger(this.pageLimit) || this.pageLimit < 1 || this.pageLimit > ALPACA_MAX_PAGE_LIMIT) {
      throw new RangeError(`pageLimit must be 1..${ALPACA_MAX_PAGE_LIMIT}`);
    }
    this.http = new AlpacaHttp({
      baseUrl: options.baseUrl.replace(/\/+$/, ''), keyId: options.keyId, secretKey: options.secretKey,
      bucket: TokenBucket.forBudget(options.budget ?? ALPACA_BASIC_BUDGET),
      timeoutMs: options.timeoutMs ?? 30_000, maxRetries: options.maxRetries ?? 5, maxRateLimited: options.maxRateLimited ?? 10,
      backoff: options.backoff ?? { initialMs: 500, maxMs: 30_000 },
    });
  }

  get stats(): AlpacaHttpStats & { pages: number } {
    return { ...this.http.stats, pages: this.pagesRead };
  }

  /** Raw bars, always adjustment=raw: the preprocessor applies corporate actions. */
  barPages(window: AlpacaWindow & { timeframe: Timeframe }, signal?: AbortSignal): AsyncGenerator<AlpacaClientPage<RawBar>> {
    const extra = { timeframe: ALPACA_REST_TIMEFRAMES[window.timeframe], adjustment: 'raw' };
    return this.pages('/v2/stocks/bars', window, extra, (body, scope) => mapAlpacaRestBars(body, { ...scope, timeframe: window.timeframe }), signal);
  }

  tradePages(window: AlpacaWindow, signal?: AbortSignal): AsyncGenerator<AlpacaClientPage<TradeRecord>> {
    return this.pages('/v2/stocks/trades', window, {}, mapAlpacaRestTrades, signal);
  }

  quotePages(window: AlpacaWindow, signal?: AbortSignal): AsyncGenerator<AlpacaClientPage<QuoteRecord>> {
    return this.pages('/v2/stocks/quotes', window, {}, mapAlpacaRestQuotes, signal);
  }

  bars(symbols: readonly string[], timeframe: Timeframe, fromUs: number, toUs: number): AsyncIterable<RawBar[]> {
    return this.recordsOnly(this.barPages({ symbols, timeframe, fromUs, toUs }));
  }

  trades(symbols: readonly string[], fromUs: number, toUs: number): AsyncIterable<TradeRecord[]> {
    return this.recordsOnly(this.tradePages({ symbols, fromUs, toUs }));
  }

  quotes(symbols: readonly string[], fromUs: number, toUs: number): AsyncIterable<QuoteRecord[]> {
    return this.recordsOnly(this.quotePages({ symbols, fromUs, toUs }));
  }

  /** Follows next_page_token until null ("Paging", Alpaca Market Data API); one page in memory at a time. */
  private async *pages<T>(path: string, window: AlpacaWindow, extra: Record<string, string>, map: Mapper<T>, signal?: AbortSignal): AsyncGenerator<AlpacaClientPage<T>> {
    const symbols = [...new Set(window.symbols.map((s) => s.trim().toUpperCase()))];
    if (symbols.length === 0 || !(window.fromUs < window.toUs)) throw new RangeError('a window needs symbols and fromUs < toUs');
    const params = { ...windowParams({ ...window, symbols, feed: this.options.feed, limit: this.pageLimit }), ...extra };
    for (let token: string | null = null; ; ) {
      const query: Record<string, string> = token ? { ...params, page_token: token } : params;
      const page = this.mapPage(map, await this.http.get(path, query, signal), { ...window, symbols, provider: this.provider, ingestTime: nowMicros() }, path);
      this.pagesRead++;
      const source = `alpaca-rest GET ${path}?${new URLSearchParams(query)}`;
      yield { records: page.records, rejected: page.rejected.map((r) => ({ payload: JSON.stringify(r), reason: r.reason, source })) };
      if (page.nextPageToken !== null && page.nextPageToken === token) throw new AlpacaRestError(`${path}: Alpaca repeated page token ${token}`, 200, false);
      if ((token = page.nextPageToken) === null) return;
    }
  }

  private mapPage<T>(map: Mapper<T>, body: unknown, scope: AlpacaRestScope, path: string): AlpacaRestPage<T> {
    try {
      return map(body, scope);
    } catch (err) {
      if (!(err instanceof InvalidRecordError)) throw err;
      throw new AlpacaRestError(`${path}: ${err.message}`, 200, false, err);
    }
  }

  private async *recordsOnly<T>(pages: AsyncGenerator<AlpacaClientPage<T>>): AsyncGenerator<T[]> {
    for await (const page of pages) {
      for (const rejected of page.rejected) {
        if (!this.options.onRejected) throw new AlpacaRestError(`${rejected.source}: ${rejected.reason} (no onRejected to dead-letter it)`, 200, false);
        await this.options.onRejected(rejected);
      }
      yield page.records;
    }
  }
}
