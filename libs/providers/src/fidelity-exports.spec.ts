import { readFileSync } from 'node:fs';
import { ConfigError, InvalidRecordError, type ExecutionRecord } from '@md/contracts';
import { fixturePath } from '@md/fixtures';
import { microsToIso } from '@md/market';
import { parseFidelityHistory, parseFidelityPositions } from './fidelity-exports';

// The samples are hand-made in Fidelity's layout (fixtures/fidelity/README.md).
const POSITIONS_FILE = 'Portfolio_Positions_Sample.csv';
const HISTORY_FILE = 'Accounts_History_Sample.csv';
const positionsText = readFileSync(fixturePath(`fidelity/${POSITIONS_FILE}`), 'utf8');
const historyText = readFileSync(fixturePath(`fidelity/${HISTORY_FILE}`), 'utf8');

const ACCOUNT_NUMBERS = ['X12345678', 'Y87654321', 'Z99999999'];
const accountAliases = { X12345678: 'taxable', Y87654321: 'roth' };
const asOf = Date.UTC(2025, 2, 14, 20, 12) * 1000;
const ingestTime = asOf + 60_000_000;
const positions = (text: string, file = POSITIONS_FILE) => parseFidelityPositions(file, text, { accountAliases, asOf, ingestTime });
const history = (text: string, file = HISTORY_FILE, accountNumber?: string) => parseFidelityHistory(file, text, { accountAliases, ingestTime, accountNumber });

const HISTORY_HEADER = 'Run Date,Account,Action,Symbol,Security Description,Security Type,Quantity,Price ($),Commission ($),Fees ($),Accrued Interest ($),Amount ($),Settlement Date';
const buy = (date: string, symbol: string, quantity: string, price: string, account = 'Individual - TOD X12345678') =>
  ` ${date},${account}, YOU BOUGHT ${symbol} INC (${symbol}) (Cash), ${symbol}, ${symbol} INC,Cash,${quantity},${price},,,,-1.00,`;

function expectNoAccountNumber(value: unknown): void {
  const text = JSON.stringify(value);
  for (const n of ACCOUNT_NUMBERS) expect(text).not.toContain(n);
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('Fidelity Positions export', () => {
  const base = { broker: 'fidelity', asOf, source: 'export', ingestTime };

  it('reads the sample into one position per alias and symbol, cost basis as exported or derived', () => {
    const result = positions(positionsText);
    expect(result.records).toEqual([
      { ...base, accountAlias: 'taxable', symbol: 'AAPL', quantity: '25.00000000', averageEntryPrice: '210.00000000' },
      // Average Cost Basis "--": Cost Basis Total / Quantity = 8220 / 18.5
      { ...base, accountAlias: 'taxable', symbol: 'VOO', quantity: '18.50000000', averageEntryPrice: '444.32432432' },
      // margin 100 (cost 12,985) and cash 50 (cost 5,885) rows: one position of 150 at 18,870 / 150
      { ...base, accountAlias: 'taxable', symbol: 'GILD', quantity: '150.00000000', averageEntryPrice: '125.80000000' },
      { ...base, accountAlias: 'roth', symbol: 'FXAIX', quantity: '75.12300000', averageEntryPrice: '169.72000000' },
    ]);
    expect(result.skipped).toEqual({ money_market: 2, option: 1, pending: 1, cusip: 1 });
  });

  it('rejects a position without cost basis and an account without alias, by line, masking the number', () => {
    const result = positions(positionsText);
    expect(result.rejected).toEqual([
      { file: POSITIONS_FILE, line: 8, reason: 'no cost basis: Average Cost Basis is blank and Cost Basis Total is blank or the quantity 0' },
      { file: POSITIONS_FILE, line: 13, reason: 'account …9999 has no alias in accountAliases' },
    ]);
    expectNoAccountNumber(result);
  });

  it('rejects every row of a position when one of them is bad, rather than publish it short', () => {
    const broken = positionsText.replace('GILEAD SCIENCES INC,50,', 'GILEAD SCIENCES INC,5O,');
    const result = positions(broken);
    expect(result.records.map((r) => r.symbol)).toEqual(['AAPL', 'VOO', 'FXAIX']);
    expect(result.rejected.filter((r) => r.line === 5 || r.line === 6)).toEqual([
      { file: POSITIONS_FILE, line: 6, reason: 'Quantity "5O" is not a number' },
      { file: POSITIONS_FILE, line: 5, reason: 'GILD has a rejected row at line 6; not published in part' },
    ]);
  });

  it('keeps reading data after a stray blank line; only one-cell lines after it are footer', () => {
    const lines = positionsText.split('\n');
    lines.splice(4, 0, '');
    const result = positions(lines.join('\n'));
    expect(result.records.map((r) => r.symbol)).toEqual(['AAPL', 'VOO', 'GILD', 'FXAIX']);
    expect(result.rejected.map((r) => r.line)).toEqual([9, 14]);
  });

  it('reads the 2021 layout: Cost Basis, Cost Basis Per Share "n/a", no byte order mark, CRLF', () => {
    const text = [
      "Account Number,Account Name,Symbol,Description,Quantity,Last Price,Last Price Change,Current Value,Today's Gain/Loss Dollar,Today's Gain/Loss Percent,Total Gain/Loss Dollar,Total Gain/Loss Percent,Percent Of Account,Cost Basis,Cost Basis Per Share,Type",
      'X12345678,AAAA,VWO,VANGUARD FTSE EMR MKT ETF,900,$50.922,+$0.160,"$45,829.80",+$144.00,+0.32%,"+$7,467.75",+19.47%,15.05%,"$38,362.05",n/a,Cash,',
      '',
      '"Date downloaded 07/30/2021 2:26 PM ET"',
    ].join('\r\n');
    const result = positions(text);
    expect(result.records).toEqual([{ ...base, accountAlias: 'taxable', symbol: 'VWO', quantity: '900.00000000', averageEntryPrice: '42.62450000' }]);
    expect(result.rejected).toEqual([]);
  });

  it('reads the older Account Name/Number column and lower-case names with extra columns', () => {
    const older = 'Account Name/Number,Symbol,Description,Quantity,Last Price,Current Value,Cost Basis Total,Cost Basis Per Share\nIndividual - TOD X12345678,MU,MICRON TECHNOLOGY,10,$100.00,"$1,000.00",$800.00,$80.00\n';
    const lower = "account number,account name,investment type,symbol,description,quantity,last price,cost basis total,average cost basis,type\nY87654321,ROTH IRA,Stocks,MU,MICRON TECHNOLOGY,-3,$100.00,$240.00,$80.00,Short\n";
    expect(positions(older).records).toEqual([{ ...base, accountAlias: 'taxable', symbol: 'MU', quantity: '10.00000000', averageEntryPrice: '80.00000000' }]);
    expect(positions(lower).records).toEqual([{ ...base, accountAlias: 'roth', symbol: 'MU', quantity: '-3.00000000', averageEntryPrice: '80.00000000' }]);
  });

  it('refuses a file without the Positions header, naming the file and the header, not the account', () => {
    const headerless = positionsText.split('\n').slice(1).join('\n');
    const err = thrown(() => positions(headerless));
    expect(err).toBeInstanceOf(InvalidRecordError);
    expect(err.message).toBe(`${POSITIONS_FILE}: not a Fidelity Positions export, no header found; expected a header like "Account Number,Account Name,Symbol,Description,Quantity,Last Price,Last Price Change,Current Value,Today's Gain/Loss Dollar,Today's Gain/Loss Percent,Total Gain/Loss Dollar,Total Gain/Loss Percent,Percent Of Account,Cost Basis Total,Average Cost Basis,Type"`);
    expect(() => positions(historyText, HISTORY_FILE)).toThrow(`${HISTORY_FILE}: not a Fidelity Positions export`);
  });

  it('refuses an alias that would carry the account number', () => {
    const err = thrown(() => parseFidelityPositions(POSITIONS_FILE, positionsText, { accountAliases: { X12345678: 'ira-X12345678' }, asOf, ingestTime }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('Fidelity alias of account …5678 must be a non-empty name without the account number');
  });
});

describe('Fidelity Activity/History export', () => {
  const fill = (over: Partial<ExecutionRecord> & Pick<ExecutionRecord, 'orderId' | 'quantity'>): ExecutionRecord => ({
    broker: 'fidelity', accountAlias: 'taxable', brokerExecutionId: null, symbol: 'AAPL', side: 'BUY', price: '213.49000000',
    cumulativeQuantity: over.quantity, executionTime: Date.UTC(2025, 2, 14, 20) * 1000, ingestTime, executionId: `${over.orderId}@${over.quantity}`, ...over,
  });

  it('reads the sample buys and sells as executions with content ids, numbering identical rows', () => {
    const result = history(historyText);
    expect(result.records).toEqual([
      fill({ orderId: 'fidelity:taxable:2025-03-14:AAPL:BUY:10@213.49#1', quantity: '10.00000000' }),
      fill({ orderId: 'fidelity:taxable:2025-03-14:AAPL:BUY:10@213.49#2', quantity: '10.00000000' }),
      fill({ orderId: 'fidelity:taxable:2025-03-13:NVDA:SELL:4@121.675#1', quantity: '4.00000000', symbol: 'NVDA', side: 'SELL', price: '121.67500000', executionTime: Date.UTC(2025, 2, 13, 20) * 1000 }),
      fill({ orderId: 'fidelity:roth:2025-03-12:FXAIX:BUY:2.5@198.04#1', quantity: '2.50000000', accountAlias: 'roth', symbol: 'FXAIX', price: '198.04000000', executionTime: Date.UTC(2025, 2, 12, 20) * 1000 }),
    ]);
    expect(microsToIso(result.records[0].executionTime)).toBe('2025-03-14T20:00:00.000Z'); // 16:00 EDT
    expect(result.skipped).toEqual({ dividend: 1, reinvestment: 1, money_market: 1, transfer: 3, option: 1, interest: 1, cusip: 1, fee: 1 });
  });

  it('rejects a trade of an account without alias by line, never showing the number', () => {
    const result = history(historyText);
    expect(result.rejected).toEqual([{ file: HISTORY_FILE, line: 16, reason: 'account …9999 has no alias in accountAliases' }]);
    expectNoAccountNumber(result);
  });

  it('gives the same ids when a later, overlapping export is imported', () => {
    const lines = historyText.split('\n');
    // Downloaded on 03/17: a new buy on top, the days 03/14 to 03/12 again, the older days gone.
    const later = [HISTORY_HEADER, buy('03/17/2025', 'AAPL', '10', '213.49'), ...lines.slice(5, 12), ''].join('\n');
    const first = history(historyText).records.map((r) => r.executionId);
    const second = history(later, 'Accounts_History (1).csv').records.map((r) => r.executionId);
    expect(second.slice(1)).toEqual(first);
    expect(second[0]).toBe('fidelity:taxable:2025-03-17:AAPL:BUY:10@213.49#1@10.00000000');
  });

  it('rejects bad trade rows with their line: a date, a price, a missing symbol', () => {
    const text = [
      HISTORY_HEADER,
      buy('13/45/2025', 'AAPL', '1', '200'),
      buy('03/14/2025', 'AAPL', '1', '$abc'),
      ' 03/14/2025,Individual - TOD X12345678, YOU SOLD (Cash), , No Description,Cash,-1,200,,,,200,',
      buy('03/14/2025', 'MSFT', '"1,000"', '$400.10'),
    ].join('\n');
    const result = history(text);
    expect(result.rejected).toEqual([
      { file: HISTORY_FILE, line: 2, reason: 'Run Date "13/45/2025" is not a MM/DD/YYYY date' },
      { file: HISTORY_FILE, line: 3, reason: 'Price "$abc" is not a number' },
      { file: HISTORY_FILE, line: 4, reason: 'Symbol is blank' },
    ]);
    expect(result.records.map((r) => [r.orderId, r.quantity, r.price])).toEqual([['fidelity:taxable:2025-03-14:MSFT:BUY:1000@400.1#1', '1000.00000000', '400.10000000']]);
  });

  it('reads a per-account history: account from the file name, masked in output; pending trades skipped', () => {
    const file = 'History_for_Account_X12345678.csv';
    const text = [
      ',,,,,,,,,,,,',
      ',,,,,,,,,,,,',
      'Run Date,Action,Symbol,Description,Type,Price ($),Quantity,Commission ($),Fees ($),Accrued Interest ($),Amount ($),Cash Balance ($),Settlement Date',
      '01/17/2025,"YOU BOUGHT MICROSOFT CORP (MSFT) (Cash)",MSFT,"MICROSOFT CORP",Cash,429.03,3,,,,-1287.09,4096.52,01/21/2025',
      '01/17/2025,"YOU SOLD INTEL CORP (INTC) (Cash)",INTC,"INTEL CORP",Cash,20.11,-50,,0.01,,1005.49,Processing,',
      '01/16/2025,"YOU BOUGHT ALPHABET INC (GOOGL) (Cash)",GOOGL,"ALPHABET INC",Cash,--,2,,,,-390.00,3000.00,01/21/2025',
      ',,,,,,,,,,,,',
      'Date downloaded 01/17/2025 5:01 pm,,,,,,,,,,,,',
    ].join('\r\n');
    const result = history(text, file);
    expect(result.records.map((r) => [r.orderId, microsToIso(r.executionTime)])).toEqual([['fidelity:taxable:2025-01-17:MSFT:BUY:3@429.03#1', '2025-01-17T21:00:00.000Z']]); // 16:00 EST
    expect(result.skipped).toEqual({ pending: 1 });
    expect(result.rejected).toEqual([{ file: 'History_for_Account_…5678.csv', line: 6, reason: 'Price is blank' }]);
    expectNoAccountNumber(result);
  });

  it('reads the late-2025 layout with an Account Number column', () => {
    const text = [
      'Run Date,Account,Account Number,Action,Symbol,Description,Type,Exchange Quantity,Exchange Currency,Currency,Price,Quantity,Exchange Rate,Commission,Fees,Accrued Interest,Amount,Settlement Date',
      '11/17/2025,"Brokerage","Y87654321","YOU BOUGHT WASTE MANAGEMENT INC (WM) (Margin)",WM,"WASTE MANAGEMENT INC",Margin,0,,USD,208.64,18,0,,,,-3755.52,11/18/2025',
    ].join('\n');
    expect(history(text).records.map((r) => [r.accountAlias, r.orderId, r.executionTime])).toEqual([['roth', 'fidelity:roth:2025-11-17:WM:BUY:18@208.64#1', Date.UTC(2025, 10, 17, 21) * 1000]]);
  });

  it('refuses a per-account history whose account it cannot tell, and a file without the header', () => {
    const perAccount = 'Run Date,Action,Symbol,Description,Type,Quantity,Price ($),Amount ($)\n01/17/2025,YOU BOUGHT MSFT,MSFT,MICROSOFT,Cash,1,400,-400\n';
    expect(() => history(perAccount, 'download.csv')).toThrow('download.csv: a per-account history has no Account column; pass accountNumber or keep the History_for_Account_<number>.csv name');
    expect(history(perAccount, 'download.csv', 'Y87654321').records.map((r) => r.accountAlias)).toEqual(['roth']);
    const err = thrown(() => history(historyText.replace(HISTORY_HEADER, '')));
    expect(err).toBeInstanceOf(InvalidRecordError);
    expect(err.message).toBe(`${HISTORY_FILE}: not a Fidelity Activity/History export, no header found; expected a header like "${HISTORY_HEADER}"`);
    expect(() => history(positionsText, POSITIONS_FILE)).toThrow(`${POSITIONS_FILE}: not a Fidelity Activity/History export`);
  });
});
