import { InvalidRecordError } from '@md/contracts';
import { mapEtradeAccountList, mapEtradePortfolio, mapEtradeTransactions, scrubEtradeItem } from './etrade-accounts';

// Shapes as E*TRADE's v1 JSON answers (List Accounts, View Portfolio, List Transactions).

const KEY = 'vQMsebA1H5WltUfDkJP48g';
const scope = { accountIdKey: KEY, aliases: { [KEY]: 'ira' }, ingestTime: 1_700_000_000_000_000 };
const position = (over: Record<string, unknown> = {}) => ({
  positionId: 140357348131, Product: { symbol: 'GOOG', securityType: 'EQ' }, symbolDescription: 'GOOG', dateAcquired: 1514872800000,
  pricePaid: 1175.29, commissions: 0, otherFees: 0, quantity: 10, positionIndicator: 'TYPE2', positionType: 'LONG', totalCost: 11752.9,
  lotsDetails: `https://api.etrade.com/v1/accounts/${KEY}/portfolio/140357348131`, ...over,
});

describe('E*TRADE account list', () => {
  it('keeps the accounts that have an alias, counts the others and never names them', () => {
    const body = { AccountListResponse: { Accounts: { Account: [
      { accountId: '82736351', accountIdKey: KEY, accountStatus: 'ACTIVE', institutionType: 'BROKERAGE' },
      { accountId: '12345678', accountIdKey: 'other-key', accountStatus: 'ACTIVE' },
      { accountId: '99999999', accountIdKey: 'closed-key', accountStatus: 'CLOSED' },
      { accountId: '55555555' },
    ] } } };
    const list = mapEtradeAccountList(body, { [KEY]: 'ira', 'closed-key': 'old' });
    expect(list.accounts).toEqual([{ accountIdKey: KEY, accountAlias: 'ira' }]);
    expect([list.unaliased, list.closed]).toEqual([1, 1]);
    expect(list.rejected).toEqual([{ at: 'Accounts.Account[3]', item: {}, reason: 'accountIdKey: Required' }]);
  });

  it('reads a list of one sent as the object itself, and fails a page that is not an account list', () => {
    expect(mapEtradeAccountList({ AccountListResponse: { Accounts: { Account: { accountIdKey: KEY } } } }, { [KEY]: 'ira' }).accounts).toHaveLength(1);
    expect(() => mapEtradeAccountList({ Error: { code: 100 } }, {})).toThrow(InvalidRecordError);
  });
});

describe('E*TRADE portfolio to md.positions.v1', () => {
  it('maps a long position at pricePaid and a short one negative, with the page to read next', () => {
    const body = { PortfolioResponse: { AccountPortfolio: [{ accountId: '82736351', totalPages: 3, nextPageNo: '2', Position: [
      position(), position({ Product: { symbol: 'SPY', securityType: 'EQ' }, quantity: -25, positionType: 'SHORT', pricePaid: 412.5, totalCost: -10312.5 }),
    ] }] } };
    const page = mapEtradePortfolio(body, { ...scope, asOf: 42 });
    expect(page.positions).toEqual([
      { broker: 'etrade', accountAlias: 'ira', symbol: 'GOOG', quantity: '10.00000000', averageEntryPrice: '1175.29000000', asOf: 42, source: 'rest', ingestTime: scope.ingestTime },
      { broker: 'etrade', accountAlias: 'ira', symbol: 'SPY', quantity: '-25.00000000', averageEntryPrice: '412.50000000', asOf: 42, source: 'rest', ingestTime: scope.ingestTime },
    ]);
    expect([page.nextPageNumber, page.totalPages, page.rejected]).toEqual([2, 3, []]);
  });

  it('takes the side from positionType whatever the sign, and the entry price from totalCost / quantity without pricePaid', () => {
    const body = { PortfolioResponse: { AccountPortfolio: { totalPages: 1, Position: position({ quantity: 3, positionType: 'SHORT', pricePaid: 0, totalCost: 100 }) } } };
    expect(mapEtradePortfolio(body, { ...scope, asOf: 1 }).positions[0]).toMatchObject({ quantity: '-3.00000000', averageEntryPrice: '33.33333333' });
  });

  it('rejects an option and a position without any entry price, scrubbed of the account and its URLs', () => {
    const body = { PortfolioResponse: { AccountPortfolio: [{ accountId: '82736351', Position: [
      position({ Product: { symbol: 'GOOG', securityType: 'OPTN' } }), position({ pricePaid: undefined, totalCost: undefined, note: `see ${KEY}` }),
    ] }] } };
    const page = mapEtradePortfolio(body, { ...scope, asOf: 1 });
    expect(page.rejected.map((r) => [r.at, r.reason])).toEqual([
      ['AccountPortfolio[0].Position[0]', 'securityType OPTN: only equities (EQ) are mapped to md.positions.v1'],
      ['AccountPortfolio[0].Position[1]', 'no entry price: neither pricePaid nor totalCost with a quantity'],
    ]);
    const dead = JSON.stringify(page.rejected);
    expect(dead).not.toContain(KEY);
    expect(dead).not.toContain('82736351');
    expect(page.rejected[1].item).toMatchObject({ note: 'see [account]', quantity: 10 });
  });

  it('refuses a page of an account without an alias, and reads an answer without content as empty', () => {
    expect(() => mapEtradePortfolio({ PortfolioResponse: { AccountPortfolio: [] } }, { ...scope, aliases: {}, asOf: 1 })).toThrow('page of an account with no configured alias');
    expect(mapEtradePortfolio(null, { ...scope, asOf: 1 })).toEqual({ positions: [], rejected: [], nextPageNumber: null, totalPages: null });
  });
});

describe('E*TRADE transactions', () => {
  const bought = {
    transactionId: 18165100001766, accountId: '82736351', transactionDate: 1700000000000, postDate: 1700000000000, amount: -1175.29,
    description: 'Bought GOOG', transactionType: 'Bought', brokerage: { product: { symbol: 'GOOG', securityType: 'EQ' }, quantity: 1, price: 1175.29, fee: 0 },
  };

  it('maps trades and cash alike, and follows the marker while more remain', () => {
    const dividend = { transactionId: '18165100001767', transactionDate: 1700000100000, amount: 12.5, transactionType: 'Dividend', brokerage: { quantity: 0, price: 0 } };
    const page = mapEtradeTransactions({ TransactionListResponse: { Transaction: [bought, dividend], marker: 'abc', moreTransactions: true } }, scope);
    expect(page.transactions).toEqual([
      { broker: 'etrade', accountAlias: 'ira', transactionId: '18165100001766', transactionTime: 1700000000000000, type: 'Bought', symbol: 'GOOG', quantity: '1.00000000', price: '1175.29000000', amount: '-1175.29000000', ingestTime: scope.ingestTime },
      { broker: 'etrade', accountAlias: 'ira', transactionId: '18165100001767', transactionTime: 1700000100000000, type: 'Dividend', symbol: null, quantity: null, price: null, amount: '12.50000000', ingestTime: scope.ingestTime },
    ]);
    expect(page.marker).toBe('abc');
    expect(mapEtradeTransactions({ TransactionListResponse: { Transaction: bought, marker: 'abc', moreTransactions: false } }, scope).marker).toBeNull();
  });

  it('reads 204 (no transactions) as an empty last page and rejects an undated one', () => {
    expect(mapEtradeTransactions(null, scope)).toEqual({ transactions: [], rejected: [], marker: null });
    const page = mapEtradeTransactions({ TransactionListResponse: { Transaction: [{ ...bought, transactionDate: 0 }] } }, scope);
    expect(page.rejected).toEqual([{ at: 'Transaction[0]', item: expect.not.objectContaining({ accountId: expect.anything() }), reason: 'transactionDate: not set' }]);
  });
});

describe('scrubbing', () => {
  it('drops account numbers, keys and the URLs carrying them, at any depth', () => {
    expect(scrubEtradeItem({ a: { accountId: '1', details: 'https://x/1', keep: 1 }, list: [{ accountIdKey: 'k' }] })).toEqual({ a: { keep: 1 }, list: [{}] });
  });
});
