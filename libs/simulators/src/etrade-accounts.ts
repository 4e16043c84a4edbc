import { DateTime } from 'luxon';
import { json, type Answer } from './etrade-answers';

// E*TRADE's account endpoints (apisb.etrade.com/docs/api: account/api-account-v1.html "List
// Accounts", account/api-portfolio-v1.html "View Portfolio", order/api-order-v1.html "List Orders",
// account/api-transaction-v1.html "List Transactions"), in JSON, over a ledger a test changes
// between polls: place, fill and cancel orders, set positions, add transactions. A fill moves the
// position and books a Bought/Sold transaction, as the real account would.
//   portfolio     count (default 50), pageNumber; AccountPortfolio[].totalPages, nextPageNo
//   orders        count (1..100, default 25), marker, status, fromDate/toDate (MMDDYYYY, on the
//                 New York date placed), newest first; OrdersResponse.marker until the last page
//   transactions  count (1..50, default 50), marker, startDate/endDate, sortOrder (default DESC);
//                 204 when nothing matches ("There are no results for this search query")

export type EtradeOrderAction = 'BUY' | 'SELL' | 'BUY_TO_COVER' | 'SELL_SHORT';
export type EtradeOrderStatus = 'OPEN' | 'EXECUTED' | 'CANCELLED' | 'INDIVIDUAL_FILLS' | 'CANCEL_REQUESTED' | 'EXPIRED' | 'REJECTED' | 'PARTIAL';
const STATUSES: readonly string[] = ['OPEN', 'EXECUTED', 'CANCELLED', 'INDIVIDUAL_FILLS', 'CANCEL_REQUESTED', 'EXPIRED', 'REJECTED', 'PARTIAL'];

export interface EtradeSimAccount {
  accountIdKey: string;
  /** The account number: in answers as E*TRADE gives it, never in the platform's records. */
  accountId: string;
  accountName?: string;
  accountStatus?: 'ACTIVE' | 'CLOSED';
}

export interface EtradeSimPosition {
  symbol: string;
  /** Shares held, positive; `positionType` says long or short. */
  quantity: number;
  positionType?: 'LONG' | 'SHORT';
  pricePaid?: number;
  /** Default quantity × pricePaid. */
  totalCost?: number;
}

export interface EtradeSimOrderInput {
  symbol: string;
  orderAction: EtradeOrderAction;
  quantity: number;
  priceType?: 'MARKET' | 'LIMIT' | 'STOP' | 'STOP_LIMIT';
  limitPrice?: number;
  stopPrice?: number;
  orderTerm?: 'GOOD_FOR_DAY' | 'GOOD_UNTIL_CANCEL' | 'IMMEDIATE_OR_CANCEL' | 'FILL_OR_KILL';
  /** Epoch ms; default the simulator's clock. */
  placedTime?: number;
}

export interface EtradeSimTransaction {
  transactionType: string;
  amount: number;
  description?: string;
  symbol?: string;
  quantity?: number;
  price?: number;
  /** Epoch ms; default the simulator's clock. */
  transactionDate?: number;
}

/** The account state the simulator starts with (EtradeSimulatorOptions.etradeAccounts). */
export interface EtradeAccountsSeed {
  accounts: EtradeSimAccount[];
  /** By accountIdKey. */
  positions?: Readonly<Record<string, EtradeSimPosition[]>>;
}

interface SimOrder extends Required<Pick<EtradeSimOrderInput, 'symbol' | 'orderAction' | 'quantity' | 'priceType' | 'orderTerm'>> {
  orderId: number; key: string; limitPrice?: number; stopPrice?: number; status: EtradeOrderStatus; placedTime: number;
  executedTime?: number; filled: number; averagePrice: number; events: Array<{ name: string; dateTime: number }>;
}
interface SimTransaction extends EtradeSimTransaction { transactionId: number; transactionDate: number }

const MAX_LOG = 1000;
const bad = (code: number, message: string): Answer => json(400, { Error: { code, message } });
const nyDate = (ms: number) => DateTime.fromMillis(ms, { zone: 'America/New_York' }).toFormat('yyyy-MM-dd');
const marker = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
const offsetOf = (m: string | null) => (m === null ? 0 : Number(/^offset:(\d+)$/.exec(Buffer.from(m, 'base64url').toString())?.[1] ?? NaN));
/** MMDDYYYY as YYYY-MM-DD, or undefined ("Invalid date format. Format must be MMDDYYYY", error 2004). */
const mmddyyyy = (v: string) => (/^\d{8}$/.test(v) ? `${v.slice(4)}-${v.slice(0, 2)}-${v.slice(2, 4)}` : undefined);
const count = (v: string | null, max: number, fallback: number) => (v === null ? fallback : /^\d+$/.test(v) && +v >= 1 && +v <= max ? +v : undefined);

export class EtradeAccountsLedger {
  /** The account requests served, in order, e.g. { route: 'orders', query: { count: '2', marker: '…' } }; the last 1,000. */
  readonly log: Array<{ route: 'list' | 'portfolio' | 'orders' | 'transactions'; query: Record<string, string> }> = [];
  private readonly accounts: EtradeSimAccount[];
  private readonly positions = new Map<string, EtradeSimPosition[]>();
  private readonly orders: SimOrder[] = [];
  private readonly transactions = new Map<string, SimTransaction[]>();
  private nextOrderId = 480;
  private nextTransactionId = 18165100001000;

  constructor(seed: EtradeAccountsSeed, private readonly now: () => number) {
    this.accounts = seed.accounts.map((a) => ({ ...a }));
    for (const a of this.accounts) this.setPositions(a.accountIdKey, seed.positions?.[a.accountIdKey] ?? []);
  }

  /** Replaces an account's portfolio. */
  setPositions(key: string, positions: EtradeSimPosition[]): void {
    this.account(key);
    this.positions.set(key, positions.map((p) => ({ positionType: 'LONG', pricePaid: 0, ...p, totalCost: p.totalCost ?? p.quantity * (p.pricePaid ?? 0) })));
  }

  /** An OPEN order; returns its orderId. */
  placeOrder(key: string, o: EtradeSimOrderInput): number {
    this.account(key);
    const placedTime = o.placedTime ?? this.now();
    const order: SimOrder = { priceType: 'MARKET', orderTerm: 'GOOD_FOR_DAY', ...o, orderId: this.nextOrderId++, key, status: 'OPEN', placedTime, filled: 0, averagePrice: 0, events: [{ name: 'ORDER_PLACED', dateTime: placedTime }] };
    this.orders.unshift(order); // newest first, as List Orders answers
    return order.orderId;
  }

  /** Fills `quantity` more at `price`: PARTIAL until the order is filled, then EXECUTED; moves the position and books the trade. */
  fillOrder(key: string, orderId: number, quantity: number, price: number, time = this.now()): void {
    const o = this.order(key, orderId);
    if (!(quantity > 0) || o.filled + quantity > o.quantity) throw new RangeError(`cannot fill ${quantity} of order ${orderId} (${o.filled} of ${o.quantity} filled)`);
    o.averagePrice = (o.averagePrice * o.filled + price * quantity) / (o.filled + quantity);
    o.filled += quantity;
    o.status = o.filled === o.quantity ? 'EXECUTED' : 'PARTIAL';
    o.executedTime = time;
    o.events.push({ name: o.status === 'EXECUTED' ? 'ORDER_EXECUTED' : 'ORDER_PARTIALLY_EXECUTED', dateTime: time });
    this.move(key, o, quantity, price);
    const sign = o.orderAction === 'BUY' || o.orderAction === 'BUY_TO_COVER' ? 1 : -1;
    const type = { BUY: 'Bought', SELL: 'Sold', SELL_SHORT: 'Sold Short', BUY_TO_COVER: 'Bought To Cover' }[o.orderAction];
    this.addTransaction(key, { transactionType: type, amount: Math.round(-sign * quantity * price * 100) / 100, symbol: o.symbol, quantity: sign * quantity, price, transactionDate: time, description: `${type} ${o.symbol}` });
  }

  /** CANCELLED (whatever was filled stays filled). */
  cancelOrder(key: string, orderId: number, time = this.now()): void {
    this.setOrderStatus(key, orderId, 'CANCELLED', time);
  }

  /** Any status change without a fill: CANCEL_REQUESTED, EXPIRED, REJECTED, ... */
  setOrderStatus(key: string, orderId: number, status: EtradeOrderStatus, time = this.now()): void {
    const o = this.order(key, orderId);
    o.status = status;
    o.events.push({ name: `ORDER_${status}`, dateTime: time });
  }

  /** A booked transaction (a dividend, a transfer; fills book their own). */
  addTransaction(key: string, t: EtradeSimTransaction): number {
    this.account(key);
    const transactionId = this.nextTransactionId++;
    const list = this.transactions.get(key) ?? [];
    list.push({ ...t, transactionId, transactionDate: t.transactionDate ?? this.now() });
    this.transactions.set(key, list);
    return transactionId;
  }

  /** The answer to an /v1/accounts/… request signed with an active token, or undefined for another path. */
  answer(path: string, params: URLSearchParams, baseUrl: string): Answer | undefined {
    if (path === '/v1/accounts/list') return this.served('list', params, () => json(200, { AccountListResponse: { Accounts: { Account: this.accounts.map(accountJson) } } }));
    const m = /^\/v1\/accounts\/([^/]+)\/(portfolio|orders|transactions)$/.exec(path);
    if (!m) return undefined;
    const key = decodeURIComponent(m[1]);
    const route = m[2] as 'portfolio' | 'orders' | 'transactions';
    if (!this.accounts.some((a) => a.accountIdKey === key)) return bad(100, 'Account key does not belong to user.');
    const url = `${baseUrl}/v1/accounts/${m[1]}/${route}`;
    if (route === 'portfolio') return this.served(route, params, () => this.portfolio(key, params, url));
    return this.served(route, params, () => (route === 'orders' ? this.listOrders(key, params, url) : this.listTransactions(key, params)));
  }

  private served(route: EtradeAccountsLedger['log'][number]['route'], params: URLSearchParams, answer: () => Answer): Answer {
    if (this.log.length >= MAX_LOG) this.log.shift();
    this.log.push({ route, query: Object.fromEntries(params) });
    return answer();
  }

  private portfolio(key: string, params: URLSearchParams, url: string): Answer {
    const size = count(params.get('count'), 1000, 50);
    const page = count(params.get('pageNumber'), Number.MAX_SAFE_INTEGER, 1);
    if (size === undefined || page === undefined) return bad(101, 'Invalid count or pageNumber.');
    const all = [...(this.positions.get(key) ?? [])].sort((a, b) => a.symbol.localeCompare(b.symbol));
    const totalPages = Math.max(1, Math.ceil(all.length / size));
    const positions = all.slice((page - 1) * size, page * size).map((p, i) => positionJson(p, 10087531 + (page - 1) * size + i, this.now(), url));
    const more = page < totalPages ? { nextPageNo: String(page + 1), next: `${url}?count=${size}&pageNumber=${page + 1}` } : {};
    return json(200, { PortfolioResponse: { AccountPortfolio: [{ accountId: this.account(key).accountId, Position: positions, totalPages, ...more }] } });
  }

  private listOrders(key: string, params: URLSearchParams, url: string): Answer {
    const size = count(params.get('count'), 100, 25);
    const status = params.get('status');
    if (size === undefined) return bad(1019, 'Invalid count. Count value should be between 1 and 100.');
    if (status !== null && !STATUSES.includes(status)) return bad(1020, `Invalid status ${status}.`);
    const range = this.range(params, 'fromDate', 'toDate');
    if ('status' in range) return range;
    const matching = this.orders.filter((o) => o.key === key && (status === null || o.status === status) && within(nyDate(o.placedTime), range));
    const offset = offsetOf(params.get('marker'));
    if (!Number.isInteger(offset) || offset > matching.length) return bad(1021, 'Invalid marker.');
    const page = matching.slice(offset, offset + size);
    const next = offset + size < matching.length ? { marker: marker(offset + size), next: `${url}?count=${size}&marker=${marker(offset + size)}` } : {};
    return json(200, { OrdersResponse: { ...next, Order: page.map((o) => orderJson(o, this.account(key).accountId, url)) } });
  }

  private listTransactions(key: string, params: URLSearchParams): Answer {
    const size = count(params.get('count'), 50, 50);
    if (size === undefined) return bad(2005, 'Invalid count. Count value should be between 1 and 50.');
    const sortOrder = params.get('sortOrder') ?? 'DESC';
    if (sortOrder !== 'ASC' && sortOrder !== 'DESC') return bad(2007, 'Invalid SortOrder. SortOrder should be ASC or DESC.');
    const range = this.range(params, 'startDate', 'endDate');
    if ('status' in range) return range;
    const matching = (this.transactions.get(key) ?? []).filter((t) => within(nyDate(t.transactionDate), range));
    if (sortOrder === 'DESC') matching.reverse();
    const offset = offsetOf(params.get('marker'));
    if (!Number.isInteger(offset) || offset > matching.length) return bad(2008, 'Invalid Marker.');
    if (matching.length === 0) return { status: 204, body: '' };
    const page = matching.slice(offset, offset + size);
    const more = offset + size < matching.length;
    const accountId = this.account(key).accountId;
    return json(200, { TransactionListResponse: {
      Transaction: page.map((t) => transactionJson(t, accountId)), moreTransactions: more, transactionCount: page.length, totalCount: matching.length,
      ...(more ? { marker: marker(offset + size) } : {}),
    } });
  }

  /** Both dates or neither, MMDDYYYY, the end not before the start (errors 2002, 2004). */
  private range(params: URLSearchParams, fromName: string, toName: string): { from?: string; to?: string } | Answer {
    const [from, to] = [params.get(fromName), params.get(toName)];
    if (from === null && to === null) return {};
    const [f, t] = [mmddyyyy(from ?? ''), mmddyyyy(to ?? '')];
    if (!f || !t) return bad(2004, 'Invalid date format. Format must be MMDDYYYY; for example, 07112018.');
    if (t < f) return bad(2002, `Invalid Date Range. Both ${fromName} & ${toName} should be provided, ${toName} should be greater than ${fromName}.`);
    return { from: f, to: t };
  }

  private account(key: string): EtradeSimAccount {
    const a = this.accounts.find((x) => x.accountIdKey === key);
    if (!a) throw new RangeError('no such simulated account');
    return a;
  }

  private order(key: string, orderId: number): SimOrder {
    const o = this.orders.find((x) => x.key === key && x.orderId === orderId);
    if (!o) throw new RangeError(`no order ${orderId} in that account`);
    return o;
  }

  /** The position after a fill: buys and short sales add at the fill price, sells and covers take out at the average. */
  private move(key: string, o: SimOrder, quantity: number, price: number): void {
    const type = o.orderAction === 'SELL_SHORT' || o.orderAction === 'BUY_TO_COVER' ? 'SHORT' : 'LONG';
    const list = this.positions.get(key)!;
    const p = list.find((x) => x.symbol === o.symbol && x.positionType === type) ?? { symbol: o.symbol, positionType: type, quantity: 0, pricePaid: 0, totalCost: 0 };
    if (!list.includes(p)) list.push(p);
    const adds = o.orderAction === 'BUY' || o.orderAction === 'SELL_SHORT';
    p.totalCost = adds ? p.totalCost! + quantity * price : p.quantity > quantity ? p.totalCost! * (1 - quantity / p.quantity) : 0;
    p.quantity += adds ? quantity : -quantity;
    p.pricePaid = p.quantity > 0 ? p.totalCost / p.quantity : 0;
    if (p.quantity <= 0) list.splice(list.indexOf(p), 1);
  }
}

const within = (date: string, r: { from?: string; to?: string }) => (!r.from || date >= r.from) && (!r.to || date <= r.to);

const accountJson = (a: EtradeSimAccount) => ({
  accountId: a.accountId, accountIdKey: a.accountIdKey, accountMode: 'MARGIN', accountDesc: 'Brokerage', accountName: a.accountName ?? '',
  accountType: 'INDIVIDUAL', institutionType: 'BROKERAGE', accountStatus: a.accountStatus ?? 'ACTIVE', closedDate: 0,
});

/** A short position's quantity is given negative here; the platform's mapper reads the side from positionType alone. */
const positionJson = (p: EtradeSimPosition, positionId: number, now: number, url: string) => ({
  positionId, Product: { symbol: p.symbol, securityType: 'EQ' }, symbolDescription: p.symbol, dateAcquired: now,
  pricePaid: p.pricePaid, commissions: 0, otherFees: 0, quantity: p.positionType === 'SHORT' ? -p.quantity : p.quantity, positionIndicator: 'TYPE2',
  positionType: p.positionType, daysGain: 0, totalGain: 0, marketValue: p.quantity * (p.pricePaid ?? 0), totalCost: p.totalCost,
  quoteStatus: 'DELAYED', lotsDetails: `${url.replace(/portfolio$/, '')}positions/${p.symbol}/lots`, quoteDetails: `https://api.etrade.com/v1/market/quote/${p.symbol}`,
  Quick: { lastTrade: p.pricePaid, lastTradeTime: Math.floor(now / 1000), change: 0, changePct: 0, volume: 0, quoteStatus: 'DELAYED' },
});

const orderJson = (o: SimOrder, accountId: string, url: string) => ({
  orderId: o.orderId, details: `${url}/${o.orderId}`, orderType: 'EQ',
  OrderDetail: [{
    placedTime: o.placedTime, ...(o.executedTime ? { executedTime: o.executedTime } : {}), orderValue: o.quantity * (o.limitPrice ?? o.averagePrice),
    status: o.status, orderTerm: o.orderTerm, priceType: o.priceType, limitPrice: o.limitPrice ?? 0, stopPrice: o.stopPrice ?? 0,
    marketSession: 'REGULAR', allOrNone: false, accountId, netPrice: 0, netBid: 0, netAsk: 0, gcd: 0, ratio: '',
    Instrument: [{
      symbolDescription: o.symbol, orderAction: o.orderAction, quantityType: 'QUANTITY', orderedQuantity: o.quantity, filledQuantity: o.filled,
      averageExecutionPrice: o.averagePrice, estimatedCommission: 0, estimatedFees: 0, Product: { symbol: o.symbol, securityType: 'EQ' },
    }],
  }],
  Events: { Event: o.events.map((e, i) => ({ name: e.name, dateTime: e.dateTime, orderNumber: i + 1 })) },
});

const transactionJson = (t: SimTransaction, accountId: string) => ({
  transactionId: t.transactionId, accountId, transactionDate: t.transactionDate, postDate: t.transactionDate, amount: t.amount,
  description: t.description ?? t.transactionType, transactionType: t.transactionType, imageFlag: false, storeId: 0,
  brokerage: {
    ...(t.symbol ? { product: { symbol: t.symbol, securityType: 'EQ' }, displaySymbol: t.symbol } : {}),
    quantity: t.quantity ?? 0, price: t.price ?? 0, settlementCurrency: 'USD', paymentCurrency: 'USD', fee: 0, settlementDate: t.transactionDate,
  },
});
