import type { QuoteRecord, RawBar, Timeframe, TradeRecord } from '@md/contracts';
import { nowMicros } from '@md/market';
import { ALPACA_REST_TIMEFRAMES, mapAlpacaRestBars, mapAlpacaRestQuotes, mapAlpacaRestTrades, type AlpacaRestPage, type AlpacaRestScope } from '@md/providers';
import type { HistoricalBars, Rejected } from '@md/ingest';
import { AlpacaRestError } from './alpaca-rest.errors';
import type { AlpacaConnection } from './alpaca-rest.http';
import { AlpacaPagedClient, symbolSet, type AlpacaRecordsPage } from './alpaca-rest.paged-client';
import { ALPACA_MAX_PAGE_LIMIT, windowParams, type AlpacaFeed } from './alpaca-rest.query';

export interface AlpacaRestClientOptions extends AlpacaConnection {
  feed: AlpacaFeed;
  /** Data points per page, counted across symbols (Alpaca: 1..10000). Default 10000: fewest requests. */
  pageLimit?: number;
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
export type AlpacaClientPage<T> = AlpacaRecordsPage<T>;

type Mapper<T> = (body: unknown, scope: AlpacaRestScope) => AlpacaRestPage<T>;

/** Alpaca Market Data v2 historical REST (stocks bars, trades, quotes), one page at a time. */
export class AlpacaRestClient extends AlpacaPagedClient implements HistoricalBars {
  constructor(private readonly options: AlpacaRestClientOptions) {
    super(options, ALPACA_MAX_PAGE_LIMIT);
  }

  /** Raw bars, always adjustment=raw: the preprocessor applies corporate actions. */
  barPages(window: AlpacaWindow & { timeframe: Timeframe }, signal?: AbortSignal): AsyncGenerator<AlpacaClientPage<RawBar>> {
    const extra = { timeframe: ALPACA_REST_TIMEFRAMES[window.timeframe], adjustment: 'raw' };
    return this.windowPages('/v2/stocks/bars', window, extra, (body, scope) => mapAlpacaRestBars(body, { ...scope, timeframe: window.timeframe }), signal);
  }

  tradePages(window: AlpacaWindow, signal?: AbortSignal): AsyncGenerator<AlpacaClientPage<TradeRecord>> {
    return this.windowPages('/v2/stocks/trades', window, {}, mapAlpacaRestTrades, signal);
  }

  quotePages(window: AlpacaWindow, signal?: AbortSignal): AsyncGenerator<AlpacaClientPage<QuoteRecord>> {
    return this.windowPages('/v2/stocks/quotes', window, {}, mapAlpacaRestQuotes, signal);
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

  /** Every page of the window, oldest first (AlpacaPagedClient.recordPages); one page in memory at a time. */
  private async *windowPages<T>(path: string, window: AlpacaWindow, extra: Record<string, string>, map: Mapper<T>, signal?: AbortSignal): AsyncGenerator<AlpacaClientPage<T>> {
    const symbols = symbolSet(window.symbols);
    if (symbols.length === 0 || !(window.fromUs < window.toUs)) throw new RangeError('a window needs symbols and fromUs < toUs');
    const params = { ...windowParams({ ...window, symbols, feed: this.options.feed, limit: this.pageLimit }), ...extra };
    const scope = { ...window, symbols, provider: this.provider };
    yield* this.recordPages(path, params, (body) => map(body, { ...scope, ingestTime: nowMicros() }), signal);
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
