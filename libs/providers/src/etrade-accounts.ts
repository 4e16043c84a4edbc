import { z } from 'zod';
import { InvalidRecordError, type PositionRecord } from '@md/contracts';
import { fromScaled, toScaled } from '@md/market';
import type { EtradeRejection } from './etrade';
import { jsonAverage, jsonPrice } from './polygon';
import { parseEnvelope, parseItem } from './zod-reason';

// E*TRADE Accounts API v1, JSON answers (Accept: application/json), parsing only:
//   GET /v1/accounts/list                      AccountListResponse.Accounts.Account[]: accountIdKey
//                                              names the account in every other URL (account/api-account-v1.html)
//   GET /v1/accounts/{accountIdKey}/portfolio  PortfolioResponse.AccountPortfolio[]: Position[], totalPages,
//                                              nextPageNo (absent on the last page) (account/api-portfolio-v1.html)
//   GET /v1/accounts/{accountIdKey}/transactions  TransactionListResponse: Transaction[], marker while
//                                              more remain; 204 when none (account/api-transaction-v1.html)
// List Orders is in etrade-orders.ts. E*TRADE's JSON comes from its XML: a list of one may arrive as
// the object itself (as Messages.Message does for quotes, etrade.ts), so every list reads both.
// No personal data leaves here: an account is named by its configured alias, and a rejected item
// is scrubbed of account numbers, keys and the URLs that carry them before it is dead-lettered.

/** Where a page came from and how its account is named. */
export interface EtradeAccountScope {
  /** The account's key in the URL: looks up the alias and is scrubbed from rejected items; never in a record. */
  accountIdKey: string;
  /** accountIdKey -> alias, as configured. */
  aliases: Readonly<Record<string, string>>;
  /** When the page was read, UTC epoch micros. */
  ingestTime: number;
  /** Default "etrade". */
  broker?: string;
}

/** An account of the list that has an alias: the key is for URLs only. */
export interface EtradeAccountRef {
  accountIdKey: string;
  accountAlias: string;
}

export interface EtradeAccountList {
  accounts: EtradeAccountRef[];
  rejected: EtradeRejection[];
  /** Active accounts in the list with no configured alias: not polled, and not named anywhere. */
  unaliased: number;
  /** Closed accounts (accountStatus CLOSED): nothing to poll. */
  closed: number;
}

export interface EtradePortfolioPage {
  positions: PositionRecord[];
  rejected: EtradeRejection[];
  /** The pageNumber to ask for next, null on the last page. */
  nextPageNumber: number | null;
  totalPages: number | null;
}

/** One transaction of the account (no md.* topic carries these yet). */
export interface EtradeTransaction {
  broker: string;
  accountAlias: string;
  transactionId: string;
  /** transactionDate, UTC epoch micros. */
  transactionTime: number;
  /** E*TRADE's word: Bought, Sold, Dividend, Transfer, ... */
  type: string;
  symbol: string | null;
  /** Signed as E*TRADE gives it; null when the transaction moved no shares. */
  quantity: string | null;
  price: string | null;
  /** Cash moved, signed: negative is paid out. */
  amount: string;
  ingestTime: number;
}

export interface EtradeTransactionsPage {
  transactions: EtradeTransaction[];
  rejected: EtradeRejection[];
  /** The marker for the next page, null on the last one. */
  marker: string | null;
}

/** A list that may come as one object: `[x]` or `x`. */
export const etradeList = <S extends z.ZodTypeAny>(item: S) => z.union([z.array(item), item.transform((x) => [x])]);
/** Epoch milliseconds as E*TRADE sends times; 0 means "not set". */
export const etradeEpochMs = z.number().int().nonnegative().lte(Math.floor(Number.MAX_SAFE_INTEGER / 1000));
export const etradeTicker = z.string().regex(/^[A-Z][A-Z0-9.\-/]{0,20}$/, 'must be a ticker such as AAPL');
export const EtradeProduct = z.object({ symbol: etradeTicker, securityType: z.string() });
const num = z.number().finite();

/** Fields that carry an account number or key, or a URL with the key in it. */
const ACCOUNT_FIELDS = new Set(['accountId', 'accountIdKey', 'accountNo', 'accountNumber', 'next', 'details', 'detailsURI', 'lotsDetails', 'quoteDetails']);

/** The item as it may be dead-lettered: without account numbers, keys or URLs, and the key itself masked wherever else it appears. */
export function scrubEtradeItem(item: unknown, accountIdKey?: string): unknown {
  const text = JSON.stringify(item, (k, v) => (ACCOUNT_FIELDS.has(k) ? undefined : v));
  if (text === undefined) return null;
  return JSON.parse(accountIdKey ? text.split(accountIdKey).join('[account]') : text);
}

/** The configured alias, else the whole page fails (a page of an account nobody named is not published). */
export function etradeAlias(scope: EtradeAccountScope): string {
  const alias = scope.aliases[scope.accountIdKey];
  if (!alias) throw new InvalidRecordError('page of an account with no configured alias');
  return alias;
}

/** n / d for positive scaled decimals (scale 8), rounded half up to scale 8. */
export function etradeDivide(n: string, d: string): string {
  const [a, b] = [toScaled(n), toScaled(d)];
  if (b <= 0n || a < 0n) throw new InvalidRecordError(`cannot divide ${n} by ${d}`);
  return fromScaled((a * 10n ** 8n * 2n + b) / (2n * b));
}

/** Runs `map` on each item; a failure becomes a rejection of that item alone, scrubbed. */
export function etradeEach(items: readonly unknown[], at: (i: number) => string, accountIdKey: string, map: (item: unknown, i: number) => void): EtradeRejection[] {
  const rejected: EtradeRejection[] = [];
  items.forEach((item, i) => {
    try {
      map(item, i);
    } catch (err) {
      if (!(err instanceof InvalidRecordError)) throw err;
      rejected.push({ at: at(i), item: scrubEtradeItem(item, accountIdKey), reason: err.message });
    }
  });
  return rejected;
}

export const EtradeAccountListResponse = z.object({
  AccountListResponse: z.object({ Accounts: z.object({ Account: etradeList(z.unknown()).optional() }).optional() }),
});
const Account = z.object({ accountIdKey: z.string().min(1), accountStatus: z.string().optional() });

/** GET /v1/accounts/list to the accounts that have an alias; throws InvalidRecordError when the envelope is not an AccountListResponse. */
export function mapEtradeAccountList(body: unknown, aliases: Readonly<Record<string, string>>): EtradeAccountList {
  const list = parseEnvelope(EtradeAccountListResponse, body, 'account list').AccountListResponse.Accounts?.Account ?? [];
  const out: EtradeAccountList = { accounts: [], rejected: [], unaliased: 0, closed: 0 };
  out.rejected = etradeEach(list, (i) => `Accounts.Account[${i}]`, '', (item) => {
    const a = parseItem(Account, item);
    if (a.accountStatus === 'CLOSED') out.closed++;
    else if (!aliases[a.accountIdKey]) out.unaliased++;
    else out.accounts.push({ accountIdKey: a.accountIdKey, accountAlias: aliases[a.accountIdKey] });
  });
  return out;
}

export const EtradePortfolioResponse = z.object({
  PortfolioResponse: z.object({
    AccountPortfolio: etradeList(z.object({
      Position: etradeList(z.unknown()).optional(),
      totalPages: z.number().int().nonnegative().optional(),
      nextPageNo: z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).optional(),
    })),
  }),
});
const Position = z.object({ Product: EtradeProduct, quantity: num, positionType: z.enum(['LONG', 'SHORT']), pricePaid: num.nonnegative().optional(), totalCost: num.optional() });

function mapPosition(item: unknown, alias: string, scope: EtradeAccountScope & { asOf: number }): PositionRecord {
  const p = parseItem(Position, item);
  if (p.Product.securityType !== 'EQ') throw new InvalidRecordError(`securityType ${p.Product.securityType}: only equities (EQ) are mapped to md.positions.v1`);
  const size = jsonPrice('quantity', Math.abs(p.quantity));
  // pricePaid is the cost per share; without it, the position's total cost over its size.
  let entry: string;
  if (p.pricePaid) entry = jsonAverage('pricePaid', p.pricePaid);
  else if (p.totalCost !== undefined && p.quantity !== 0) entry = etradeDivide(jsonAverage('totalCost', Math.abs(p.totalCost)), size);
  else throw new InvalidRecordError('no entry price: neither pricePaid nor totalCost with a quantity');
  const quantity = p.positionType === 'SHORT' && p.quantity !== 0 ? `-${size}` : size;
  return { broker: scope.broker ?? 'etrade', accountAlias: alias, symbol: p.Product.symbol, quantity, averageEntryPrice: entry, asOf: scope.asOf, source: 'rest', ingestTime: scope.ingestTime };
}

/** One page of View Portfolio to positions (signed: SHORT is negative); `body` null for an answer without content. */
export function mapEtradePortfolio(body: unknown, scope: EtradeAccountScope & { asOf: number }): EtradePortfolioPage {
  const alias = etradeAlias(scope);
  const out: EtradePortfolioPage = { positions: [], rejected: [], nextPageNumber: null, totalPages: null };
  if (body === null) return out;
  const portfolios = parseEnvelope(EtradePortfolioResponse, body, 'portfolio').PortfolioResponse.AccountPortfolio;
  portfolios.forEach((ap, n) => {
    out.rejected.push(...etradeEach(ap.Position ?? [], (i) => `AccountPortfolio[${n}].Position[${i}]`, scope.accountIdKey, (item) => out.positions.push(mapPosition(item, alias, scope))));
    if (ap.nextPageNo !== undefined) out.nextPageNumber = Number(ap.nextPageNo);
    if (ap.totalPages !== undefined) out.totalPages = ap.totalPages;
  });
  return out;
}

export const EtradeTransactionListResponse = z.object({
  TransactionListResponse: z.object({ Transaction: etradeList(z.unknown()).optional(), marker: z.string().optional(), moreTransactions: z.boolean().optional() }),
});
const Transaction = z.object({
  transactionId: z.union([z.string().regex(/^\w+$/), z.number().int().nonnegative()]),
  transactionDate: etradeEpochMs.refine((t) => t > 0, 'not set'),
  amount: num,
  transactionType: z.string().min(1),
  brokerage: z.object({ product: z.object({ symbol: z.string().optional() }).optional(), quantity: num.optional(), price: num.nonnegative().optional() }).optional(),
});

/** One page of List Transactions; `body` null for 204 ("There are no results for this search query"). */
export function mapEtradeTransactions(body: unknown, scope: EtradeAccountScope): EtradeTransactionsPage {
  const alias = etradeAlias(scope);
  const out: EtradeTransactionsPage = { transactions: [], rejected: [], marker: null };
  if (body === null) return out;
  const page = parseEnvelope(EtradeTransactionListResponse, body, 'transaction list').TransactionListResponse;
  out.rejected = etradeEach(page.Transaction ?? [], (i) => `Transaction[${i}]`, scope.accountIdKey, (item) => {
    const t = parseItem(Transaction, item);
    const b = t.brokerage;
    out.transactions.push({
      broker: scope.broker ?? 'etrade', accountAlias: alias, transactionId: String(t.transactionId), transactionTime: t.transactionDate * 1000, type: t.transactionType,
      symbol: b?.product?.symbol?.trim() || null, quantity: b?.quantity ? jsonPrice('quantity', b.quantity) : null, price: b?.price ? jsonPrice('price', b.price) : null,
      amount: jsonPrice('amount', t.amount), ingestTime: scope.ingestTime,
    });
  });
  // The marker alone says more remain; moreTransactions false ends the listing even with a marker.
  out.marker = page.marker && page.moreTransactions !== false ? page.marker : null;
  return out;
}
