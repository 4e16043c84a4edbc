import type { OptionQuoteRecord } from '@md/contracts';
import { nowMicros } from '@md/market';
import { ALPACA_OPTION_MAX_PAGE_LIMIT, mapAlpacaOptionChain, parseAlpacaOptionChainPage, type AlpacaOptionFeed, type AlpacaOptionSnapshot } from '@md/providers';
import type { Rejected } from '@md/ingest';
import { AlpacaRestError } from './alpaca-rest.errors';
import type { AlpacaConnection } from './alpaca-rest.http';
import { AlpacaPagedClient } from './alpaca-rest.paged-client';

// Alpaca's option chain snapshots, GET /v1beta1/options/snapshots/{underlying_symbol}
// (docs.alpaca.markets, "Option chain"), mapped by libs/providers/src/alpaca-options.ts.
// A chain is read whole before it is mapped: greeks Alpaca lacks are computed from a spot implied
// by put-call parity over each expiry, which needs every strike of it.

/** SPY lists ~10,000 contracts, AAPL ~2,500; a chain beyond this is refused rather than held. */
export const MAX_CHAIN_CONTRACTS = 50_000;

export interface AlpacaOptionsClientOptions extends AlpacaConnection {
  /** indicative (free, delayed) or opra (subscription). */
  feed: AlpacaOptionFeed;
  /** Snapshots per page (Alpaca: 1..1000). Default 1000: fewest requests. */
  pageLimit?: number;
  /** Continuously compounded risk-free rate per year for computed greeks (0.053 = 5.3%). */
  riskFreeRate: number;
  /** Continuous dividend yield per underlying; absent means 0. */
  dividendYields?: Readonly<Record<string, number>>;
  /** Bound on one chain's contracts. Default MAX_CHAIN_CONTRACTS. */
  maxContracts?: number;
  /** Provider name written into each record. Default "alpaca". */
  provider?: string;
}

export interface OptionChainQuery {
  underlying: string;
  /** Expirations from / to, YYYY-MM-DD inclusive (expiration_date_gte / _lte). */
  expiryFrom?: string;
  expiryTo?: string;
  /** Calls or puts only; default both. */
  type?: 'call' | 'put';
  /** UTC micros; default the chain's latest quote or trade (see mapAlpacaOptionChain). */
  snapshotTime?: number;
}

export interface OptionChain {
  quotes: OptionQuoteRecord[];
  rejected: Rejected[];
  snapshotTime: number;
}

// Compile-time check that the domain's quote and the topic's record are the same shape.
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const QUOTE_IS_RECORD: SameShape<OptionQuoteRecord, OptionQuoteRecord> = true;
void QUOTE_IS_RECORD;

export class AlpacaOptionsClient extends AlpacaPagedClient {
  constructor(private readonly options: AlpacaOptionsClientOptions) {
    super(options, ALPACA_OPTION_MAX_PAGE_LIMIT);
  }

  /** Every contract of one underlying's chain, priced; unmappable contracts come back in `rejected`. */
  async chain(query: OptionChainQuery, signal?: AbortSignal): Promise<OptionChain> {
    const underlying = query.underlying.trim().toUpperCase();
    const path = `/v1beta1/options/snapshots/${encodeURIComponent(underlying)}`;
    const params: Record<string, string> = { feed: this.options.feed, limit: String(this.pageLimit) };
    if (query.expiryFrom) params.expiration_date_gte = query.expiryFrom;
    if (query.expiryTo) params.expiration_date_lte = query.expiryTo;
    if (query.type) params.type = query.type;
    const source = `alpaca-rest GET ${path}?${new URLSearchParams(params)}`;
    const snapshots = await this.snapshots(path, params, signal);
    const ingestTime = nowMicros();
    const chain = mapAlpacaOptionChain(snapshots, {
      provider: this.provider, riskFreeRate: this.options.riskFreeRate, dividendYields: this.options.dividendYields, snapshotTime: query.snapshotTime, ingestTime,
    });
    const rejected = chain.rejected.map((r) => ({ payload: JSON.stringify({ [r.occSymbol]: r.item }), reason: r.reason, source }));
    return { quotes: chain.quotes, rejected, snapshotTime: chain.snapshotTime };
  }

  private async snapshots(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<AlpacaOptionSnapshot[]> {
    const max = this.options.maxContracts ?? MAX_CHAIN_CONTRACTS;
    const all: AlpacaOptionSnapshot[] = [];
    for await (const { page } of this.mappedPages(path, params, (body) => parseAlpacaOptionChainPage(body).snapshots, signal)) {
      all.push(...page);
      if (all.length > max) throw new AlpacaRestError(`${path}: the chain has more than ${max} contracts (maxContracts); narrow it by expiry or type`, 200, false);
    }
    return all;
  }
}
