import { InvalidRecordError } from '@md/contracts';
import type { Rejected } from '@md/ingest';
import { AlpacaRestError } from './alpaca-rest.errors';
import { alpacaHttp, type AlpacaConnection, type AlpacaHttp, type AlpacaHttpStats } from './alpaca-rest.http';
import { pageLimitOf } from './alpaca-rest.query';

// What the Alpaca REST clients (bars/trades/quotes, option chains, corporate actions) share: the
// connection, the page size, the count of pages read and the read-map-dead-letter loop.

/** What one client has done so far: AlpacaHttp's counts and the pages read. */
export type AlpacaClientStats = AlpacaHttpStats & { pages: number };

/** One page as received: what mapped, and what did not (each with its reason). */
export interface AlpacaRecordsPage<T> {
  records: T[];
  rejected: Rejected[];
}

/** A page as a domain mapper answers it: records, and the items it rejected with their reasons. */
interface MappedRecords<T> {
  records: T[];
  rejected: readonly { reason: string }[];
}

/** Trimmed, uppercased, each once, in the order given. */
export function symbolSet(symbols: readonly string[]): string[] {
  return [...new Set(symbols.map((s) => s.trim().toUpperCase()))];
}

export abstract class AlpacaPagedClient {
  readonly provider: string;
  protected readonly pageLimit: number;
  private readonly http: AlpacaHttp;
  private pagesRead = 0;

  /** `maxPageLimit` is the endpoint's largest `limit`, also the default (fewest requests). */
  protected constructor(options: AlpacaConnection & { pageLimit?: number; provider?: string }, maxPageLimit: number) {
    this.provider = options.provider ?? 'alpaca';
    this.pageLimit = pageLimitOf(options.pageLimit, maxPageLimit);
    this.http = alpacaHttp(options);
  }

  get stats(): AlpacaClientStats {
    return { ...this.http.stats, pages: this.pagesRead };
  }

  /**
   * Every page of `path` in order (AlpacaHttp.pages), counted and mapped, with the request that
   * fetched it as `source`. A page `map` refuses as a whole (InvalidRecordError) fails the read,
   * not retriable: asking again would get the same page.
   */
  protected async *mappedPages<T>(path: string, params: Record<string, string>, map: (body: unknown) => T, signal?: AbortSignal): AsyncGenerator<{ page: T; source: string }> {
    for await (const { body, query } of this.http.pages(path, params, signal)) {
      this.pagesRead++;
      yield { page: mapPage(path, body, map), source: `alpaca-rest GET ${path}?${new URLSearchParams(query)}` };
    }
  }

  /** mappedPages for record endpoints: each rejected item becomes a Rejected, the item and reason as its payload. */
  protected async *recordPages<T>(path: string, params: Record<string, string>, map: (body: unknown) => MappedRecords<T>, signal?: AbortSignal): AsyncGenerator<AlpacaRecordsPage<T>> {
    for await (const { page, source } of this.mappedPages(path, params, map, signal)) {
      yield { records: page.records, rejected: page.rejected.map((r) => ({ payload: JSON.stringify(r), reason: r.reason, source })) };
    }
  }
}

function mapPage<T>(path: string, body: unknown, map: (body: unknown) => T): T {
  try {
    return map(body);
  } catch (err) {
    if (!(err instanceof InvalidRecordError)) throw err;
    throw new AlpacaRestError(`${path}: ${err.message}`, 200, false, err);
  }
}
