import type { CorporateActionRecord } from '@md/contracts';
import { nowMicros } from '@md/market';
import { ALPACA_CORPORATE_ACTIONS_MAX_PAGE_LIMIT, ALPACA_ACTION_TYPES, mapAlpacaCorporateActions, type AlpacaCorporateAction } from '@md/providers';
import type { AlpacaConnection } from './alpaca-rest.http';
import { AlpacaPagedClient, symbolSet, type AlpacaRecordsPage } from './alpaca-rest.paged-client';

// Alpaca's corporate actions, GET /v1/corporate-actions (docs.alpaca.markets, "Corporate
// actions"), mapped by libs/providers/src/alpaca-corporate-actions.ts to the record the
// LEAN factor-file path publishes on md.corporate-actions.v1.

const PATH = '/v1/corporate-actions';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface AlpacaCorporateActionsClientOptions extends AlpacaConnection {
  /** Actions per page (Alpaca: 1..1000). Default 1000: fewest requests. */
  pageLimit?: number;
  /** Provider name written into each record. Default "alpaca". */
  provider?: string;
}

/** Alpaca filters on the *process* date (when Alpaca booked the action), both ends inclusive. */
export interface CorporateActionsQuery {
  symbols: readonly string[];
  /** Alpaca type names; default ALPACA_ACTION_TYPES (every type a record can carry). */
  types?: readonly string[];
  /** YYYY-MM-DD, inclusive. */
  processedFrom: string;
  processedTo: string;
}

export type CorporateActionsPage = AlpacaRecordsPage<CorporateActionRecord>;

// Compile-time check that the domain's action and the topic's record are the same shape.
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const ACTION_IS_RECORD: SameShape<AlpacaCorporateAction, CorporateActionRecord> = true;
void ACTION_IS_RECORD;

export class AlpacaCorporateActionsClient extends AlpacaPagedClient {
  constructor(options: AlpacaCorporateActionsClientOptions) {
    super(options, ALPACA_CORPORATE_ACTIONS_MAX_PAGE_LIMIT);
  }

  /** Every page of the query, oldest process date first; one page in memory at a time. */
  async *pages(query: CorporateActionsQuery, signal?: AbortSignal): AsyncGenerator<CorporateActionsPage> {
    const symbols = symbolSet(query.symbols).filter(Boolean);
    if (symbols.length === 0 || !DATE.test(query.processedFrom) || !DATE.test(query.processedTo) || query.processedFrom > query.processedTo) {
      throw new RangeError('a corporate actions query needs symbols and YYYY-MM-DD processedFrom <= processedTo');
    }
    const params = {
      symbols: symbols.join(','), types: (query.types ?? ALPACA_ACTION_TYPES).join(','), start: query.processedFrom, end: query.processedTo,
      limit: String(this.pageLimit), sort: 'asc',
    };
    yield* this.recordPages(PATH, params, (body) => mapAlpacaCorporateActions(body, { provider: this.provider, ingestTime: nowMicros() }), signal);
  }
}
