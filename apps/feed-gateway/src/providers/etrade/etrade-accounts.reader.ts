import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidRecordError, type ExecutionRecord, type OrderEventRecord, type PositionRecord } from '@md/contracts';
import { nowMicros } from '@md/market';
import type { Rejected } from '@md/ingest';
import {
  TokenBucket, mapEtradeAccountList, mapEtradeOrders, mapEtradePortfolio, mapEtradeTransactions,
  type EtradeAccountRef, type EtradeFill, type EtradeRejection, type EtradeTransaction,
} from '@md/providers';
import { EtradeError, type EtradeClient } from './etrade.client';

// Reads one E*TRADE account's pages through the client's signed GET, every listing to its end:
// View Portfolio by pageNumber (nextPageNo, else totalPages), List Orders and List Transactions
// by marker. Requests go at most `requestsPerSecond`, evenly spaced, on top of the client's own
// spacing: "Rate Limits" allows the Accounts and the Order module 2 requests a second and 7,000 an
// hour each, per consumer key, so a steady rate must stay under 7,000 / 3,600 = 1.94 a second.
// Labels and dead letters name the account by its alias; the accountIdKey stays in the URL.

/** The most a steady request rate may be: the hourly consumption limit, 7,000 an hour. */
export const ETRADE_ACCOUNTS_MAX_RATE = 7000 / 3600;

export interface EtradeAccountReaderOptions {
  /** accountIdKey -> alias. */
  aliases: Readonly<Record<string, string>>;
  /** Requests a second, in (0, 1.94]. */
  requestsPerSecond: number;
  /** Pages per listing and cycle: a bound on a marker that never ends. */
  maxPages: number;
  /** Page sizes: View Portfolio (default 50), List Orders (1..100), List Transactions (1..50). */
  pageSizes: { portfolio: number; orders: number; transactions: number };
}

/** One account's cycle as read: every page mapped. */
export interface EtradeAccountRead {
  positions: PositionRecord[];
  /** False when a position item was rejected: a symbol missing from `positions` is then not known to be closed. */
  positionsComplete: boolean;
  orders: OrderEventRecord[];
  executions: ExecutionRecord[];
  placedTimes: Record<string, number>;
  transactions: EtradeTransaction[];
  rejected: Rejected[];
}

/** MMDDYYYY dates, New York, as List Orders and List Transactions take them (from before to: error 2002 otherwise). */
export interface EtradeDateWindow {
  from: string;
  to: string;
}

export interface EtradeReadWindows {
  orders: EtradeDateWindow;
  transactions: EtradeDateWindow;
}

type Route = 'portfolio' | 'orders' | 'transactions';

export class EtradeAccountReader {
  private readonly bucket: TokenBucket;

  constructor(private readonly client: EtradeClient, private readonly o: EtradeAccountReaderOptions) {
    if (!(o.requestsPerSecond > 0 && o.requestsPerSecond <= ETRADE_ACCOUNTS_MAX_RATE)) {
      throw new RangeError(`requestsPerSecond must be in (0, ${ETRADE_ACCOUNTS_MAX_RATE.toFixed(2)}]: E*TRADE allows the Accounts and Order modules 7,000 requests an hour`);
    }
    this.bucket = new TokenBucket(1, o.requestsPerSecond / 1000); // one token: spaced, never bursted
  }

  /** List Accounts: the aliased accounts, and how many others were left alone. */
  async accounts(): Promise<{ accounts: EtradeAccountRef[]; unaliased: number; closed: number; rejected: Rejected[] }> {
    const label = 'GET /v1/accounts/list';
    const list = this.mapped(label, mapEtradeAccountList, await this.get('/v1/accounts/list', {}, label), this.o.aliases);
    return { ...list, rejected: list.rejected.map((r) => dead(r, label)) };
  }

  /** Every page of the account's portfolio, and of its orders and transactions in their windows. */
  async read(account: EtradeAccountRef, windows: EtradeReadWindows, previousFill: (orderId: string) => EtradeFill | undefined): Promise<EtradeAccountRead> {
    const out: EtradeAccountRead = { positions: [], positionsComplete: true, orders: [], executions: [], placedTimes: {}, transactions: [], rejected: [] };
    const asOf = nowMicros();
    for (let pageNumber: number | null = 1, n = 0; pageNumber !== null; n++) {
      const [body, label] = await this.page(account, 'portfolio', { count: String(this.o.pageSizes.portfolio), pageNumber: String(pageNumber) }, n);
      const page = this.mapped(label, mapEtradePortfolio, body, { ...this.scope(account), asOf });
      out.positions.push(...page.positions);
      out.positionsComplete &&= page.rejected.length === 0;
      out.rejected.push(...page.rejected.map((r) => dead(r, label)));
      const next: number | null = page.nextPageNumber ?? (page.totalPages !== null && pageNumber < page.totalPages ? pageNumber + 1 : null);
      pageNumber = next !== null && next > pageNumber ? next : null;
    }
    const dates = { fromDate: windows.orders.from, toDate: windows.orders.to };
    for (let marker: string | null = null, n = 0; n === 0 || marker !== null; n++) {
      const [body, label] = await this.page(account, 'orders', { count: String(this.o.pageSizes.orders), ...dates, ...(marker ? { marker } : {}) }, n);
      const page = this.mapped(label, mapEtradeOrders, body, { ...this.scope(account), previousFill });
      out.orders.push(...page.orders);
      out.executions.push(...page.executions);
      Object.assign(out.placedTimes, page.placedTimes);
      out.rejected.push(...page.rejected.map((r) => dead(r, label)));
      marker = page.marker !== marker ? page.marker : null;
    }
    const span = { startDate: windows.transactions.from, endDate: windows.transactions.to, sortOrder: 'ASC' };
    for (let marker: string | null = null, n = 0; n === 0 || marker !== null; n++) {
      const [body, label] = await this.page(account, 'transactions', { count: String(this.o.pageSizes.transactions), ...span, ...(marker ? { marker } : {}) }, n);
      const page = this.mapped(label, mapEtradeTransactions, body, this.scope(account));
      out.transactions.push(...page.transactions);
      out.rejected.push(...page.rejected.map((r) => dead(r, label)));
      marker = page.marker !== marker ? page.marker : null;
    }
    return out;
  }

  private scope(account: EtradeAccountRef) {
    return { accountIdKey: account.accountIdKey, aliases: this.o.aliases, ingestTime: nowMicros(), broker: this.client.provider };
  }

  /** Page `n` of a listing, and the label that names it without the key. */
  private async page(account: EtradeAccountRef, route: Route, params: Record<string, string>, n: number): Promise<[unknown, string]> {
    const label = `GET /v1/accounts/${account.accountAlias}/${route}`;
    if (n >= this.o.maxPages) throw new EtradeError(`${label}: more than ${this.o.maxPages} pages in one cycle (maxPages)`, 200, false);
    return [await this.get(`/v1/accounts/${encodeURIComponent(account.accountIdKey)}/${route}`, params, label), label];
  }

  private async get(path: string, params: Record<string, string>, label: string): Promise<unknown> {
    for (let wait = this.bucket.take(); wait > 0; wait = this.bucket.take()) await sleep(wait);
    return this.client.getJson(path, params, label);
  }

  /** A malformed page fails the cycle for good (as a malformed quote answer does): E*TRADE changed its answer. */
  private mapped<A, T>(label: string, map: (body: unknown, arg: A) => T, body: unknown, arg: A): T {
    try {
      return map(body, arg);
    } catch (err) {
      if (!(err instanceof InvalidRecordError)) throw err;
      throw new EtradeError(`${label}: ${err.message}`, 200, false);
    }
  }
}

function dead(r: EtradeRejection, label: string): Rejected {
  return { payload: JSON.stringify(r.item), reason: `${r.at}: ${r.reason}`, source: `etrade ${label}` };
}
