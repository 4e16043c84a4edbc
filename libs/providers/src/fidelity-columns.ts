import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { InvalidRecordError, type OrderSide } from '@md/contracts';
import { parseDecimal } from '@md/market';

// Reading Fidelity's CSV downloads (fidelity.com has no API): find the header among preamble
// lines, read rows by column name, stop treating text as data after the blank line that opens
// the disclaimer footer, and parse Fidelity's value formats. The layouts, from public importers
// and their test files (github.com/redstreet/beancount_reds_importers, importers/fidelity/;
// github.com/open-portfolio/FINporterFido, Sources/ and Tests/):
// - Positions (Portfolio_Positions_Mmm-DD-YYYY.csv), 2023 on: "Account Number,Account Name,Symbol,
//   Description,Quantity,Last Price,...,Cost Basis Total,Average Cost Basis,Type", UTF-8 with BOM
//   (fidelity_all_account_positions_csv.py reads it as utf-8-sig), "SPAXX**" core money market and
//   "Pending Activity" rows, "--" for unknown values, "Date downloaded ..." in the footer.
//   2021: "...,Cost Basis,Cost Basis Per Share,Type", rows ending in a stray comma, "n/a" for an
//   unknown basis (FidoPositions.swift, FidoPositionsTests.swift). Seen only in other projects'
//   tests: an older "Account Name/Number" column holding "<name> <number>", newer files with
//   extra columns (Investment Type, Basket Name) or lower-case names; so columns are matched by
//   name, case-blind, and extra columns are ignored.
// - History, all accounts (Accounts_History.csv): blank lines and "Brokerage" before "Run Date,
//   Account,Action,Symbol,Security Description,Security Type,Quantity,Price ($),Commission ($),
//   Fees ($),Accrued Interest ($),Amount ($),Settlement Date"; Account is "<name> <number>";
//   fields with a leading space; a sell has a negative quantity (FidoHistory.swift,
//   FidoHistoryActionTests.swift). Late 2025: "Run Date,Account,Account Number,Action,Symbol,
//   Description,Type,...,Price,Quantity,..." (fidelity_all_accounts_csv.py and its test file).
// - History of one account (History_for_Account_<number>.csv): no account column, the number only
//   in the file name, ",,,,," filler lines around the data (fidelity_cma_csv_examples/); later a
//   "Cash Balance ($)" column (fidelity_cma_csv.py), which in other projects' test files reads
//   "Processing" while a row is pending, and "Date" for "Run Date" (unconfirmed by a named source).

/** A data row: its 1-based line in the file and its cells by logical column. */
export interface FidelityRow {
  readonly line: number;
  readonly cells: ReadonlyMap<string, string>;
}

/** A logical column and the header names Fidelity has used for it (normalised: lower case, no " ($)"). */
export type ColumnNames = Readonly<Record<string, readonly string[]>>;

export interface FidelityLayout {
  readonly what: string;
  readonly columns: ColumnNames;
  /** Logical columns a header must have to be recognised. */
  readonly required: readonly string[];
  /** Required alternatives: at least one of each group. */
  readonly oneOf: readonly (readonly string[])[];
  /** The current header, quoted in the error for a file that is not of this kind. */
  readonly expectedHeader: string;
}

/** Rows that are not positions or trades: counted, never errors. */
export type FidelitySkipKind =
  | 'money_market' | 'pending' | 'option' | 'cusip'
  | 'dividend' | 'reinvestment' | 'interest' | 'transfer' | 'fee' | 'other';

export const FIDELITY_POSITIONS_LAYOUT: FidelityLayout = {
  what: 'Positions',
  columns: {
    accountNumber: ['account number'], accountNameNumber: ['account name/number'], symbol: ['symbol'], quantity: ['quantity'],
    averageCost: ['average cost basis', 'cost basis per share'], costTotal: ['cost basis total', 'cost basis'],
  },
  required: ['symbol', 'quantity'],
  oneOf: [['accountNumber', 'accountNameNumber'], ['averageCost', 'costTotal']],
  expectedHeader: "Account Number,Account Name,Symbol,Description,Quantity,Last Price,Last Price Change,Current Value,Today's Gain/Loss Dollar,Today's Gain/Loss Percent,Total Gain/Loss Dollar,Total Gain/Loss Percent,Percent Of Account,Cost Basis Total,Average Cost Basis,Type",
};

export const FIDELITY_HISTORY_LAYOUT: FidelityLayout = {
  what: 'Activity/History',
  columns: {
    runDate: ['run date', 'date'], account: ['account'], accountNumber: ['account number'], action: ['action'], symbol: ['symbol'],
    quantity: ['quantity'], price: ['price'], cashBalance: ['cash balance'],
  },
  required: ['runDate', 'action', 'symbol', 'quantity', 'price'],
  oneOf: [],
  expectedHeader: 'Run Date,Account,Action,Symbol,Security Description,Security Type,Quantity,Price ($),Commission ($),Fees ($),Accrued Interest ($),Amount ($),Settlement Date',
};

// Action texts by prefix, after FINporterFido Sources/FidoHistory.swift (decodeRow) and
// beancount_reds_importers fidelity_all_accounts_csv.py (transaction_type_map). Prefixes, so
// "BUY CANCEL ..." is not a buy; anything unlisted is 'other'.
const ACTIONS: readonly (readonly [string, OrderSide | FidelitySkipKind])[] = [
  ['YOU BOUGHT', 'BUY'], ['YOU SOLD', 'SELL'], ['REINVESTMENT', 'reinvestment'],
  ['DIVIDEND RECEIVED', 'dividend'], ['LONG-TERM CAP GAIN', 'dividend'], ['SHORT-TERM CAP GAIN', 'dividend'],
  ['INTEREST EARNED', 'interest'], ['MUNI EXEMPT INT', 'interest'],
  ['PURCHASE INTO CORE ACCOUNT', 'money_market'], ['REDEMPTION FROM CORE ACCOUNT', 'money_market'],
  ['TRANSFERRED FROM', 'transfer'], ['TRANSFERRED TO', 'transfer'], ['TRANSFER OF ASSETS', 'transfer'],
  ['ELECTRONIC FUNDS TRANSFER', 'transfer'], ['DIRECT DEPOSIT', 'transfer'], ['DIRECT DEBIT', 'transfer'],
  ['WIRE TRANSFER', 'transfer'], ['JOURNALED', 'transfer'], ['CHECK RECEIVED', 'transfer'], ['CHECK PAID', 'transfer'],
  ['BILL PAYMENT', 'transfer'], ['DEBIT CARD', 'transfer'], ['CASH CONTRIBUTION', 'transfer'], ['PARTIC CONTR', 'transfer'],
  ['ROLLOVER', 'transfer'], ['FEE CHARGED', 'fee'], ['ADVISOR FEE', 'fee'], ['FOREIGN TAX', 'fee'], ['ADJ FOREIGN', 'fee'],
];

/** What a History row's Action says: a trade side, or the kind of row to skip. */
export function actionKind(action: string): OrderSide | FidelitySkipKind {
  const upper = action.trim().toUpperCase();
  return ACTIONS.find(([prefix]) => upper.startsWith(prefix))?.[1] ?? 'other';
}

/** Preamble lines searched for the header; real files have at most a handful (bounded, STYLE.md habit 10). */
const HEADER_SEARCH_ROWS = 50;

/** "Price ($)" and "price" are one column; so are "Account Number" and "Account number". */
function normalise(name: string): string {
  return name.replace(/^\uFEFF/, '').replace(/\s*\(\$\)\s*$/, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Index of each logical column in a header row, or undefined when the row is not this layout's header. */
function headerIndex(cells: readonly string[], layout: FidelityLayout): Map<string, number> | undefined {
  const names = cells.map(normalise);
  const index = new Map<string, number>();
  for (const [column, aliases] of Object.entries(layout.columns)) {
    const at = names.findIndex((n) => aliases.includes(n));
    if (at >= 0) index.set(column, at);
  }
  const complete = layout.required.every((c) => index.has(c)) && layout.oneOf.every((group) => group.some((c) => index.has(c)));
  return complete ? index : undefined;
}

interface CsvRecord {
  record: string[];
  info: { lines: number; raw: string };
}

function readCsv(text: string, file: string): CsvRecord[] {
  try {
    // relax_quotes: disclaimer text may carry a stray quote; relax_column_count: rows end in a comma.
    const options = { bom: true, info: true, raw: true, relax_column_count: true, relax_quotes: true, trim: true, skip_empty_lines: false } as const;
    return parse(text, options) as unknown as CsvRecord[];
  } catch (err) {
    // The parser's own message quotes the offending text, which may hold an account number.
    const { code, lines } = err as { code?: string; lines?: number };
    throw new InvalidRecordError(`${file}: not readable as CSV (${code ?? 'parse error'} near line ${lines ?? '?'})`);
  }
}

/** First line of the record: csv-parse reports the line it ends on, and a quoted cell may span lines. */
function startLine(r: CsvRecord): number {
  const breaks = (r.info.raw.match(/\n/g) ?? []).length;
  return r.info.lines - (r.info.raw.endsWith('\n') ? breaks - 1 : breaks);
}

const filled = (cells: readonly string[]) => cells.filter((c) => c !== '').length;

/**
 * The data rows of a Fidelity export. After the first blank line the footer begins: a line with
 * only its first cell filled there is disclaimer or "Date downloaded" text and is dropped; a line
 * with several cells is still data, so a stray blank line inside the data loses nothing.
 * Returns the rows and the logical columns the header had; throws when no header of `layout` is
 * found in the first lines.
 */
export function readFidelityRows(text: string, file: string, layout: FidelityLayout): { rows: FidelityRow[]; columns: ReadonlySet<string> } {
  const records = readCsv(text, file);
  let index: Map<string, number> | undefined;
  let at = 0;
  for (; at < Math.min(records.length, HEADER_SEARCH_ROWS) && !index; at++) index = headerIndex(records[at].record, layout);
  if (!index) {
    throw new InvalidRecordError(`${file}: not a Fidelity ${layout.what} export, no header found; expected a header like "${layout.expectedHeader}"`);
  }
  const rows: FidelityRow[] = [];
  let footer = false;
  for (const r of records.slice(at)) {
    const count = filled(r.record);
    if (count === 0) footer = true;
    if (count === 0 || (footer && count === 1 && r.record[0] !== '')) continue;
    const cells = new Map([...index].map(([column, i]) => [column, r.record[i] ?? '']));
    rows.push({ line: startLine(r), cells });
  }
  return { rows, columns: new Set(index.keys()) };
}

/** The cell of a logical column, '' when the layout has no such column. */
export function cell(row: FidelityRow, column: string): string {
  return row.cells.get(column) ?? '';
}

const MISSING = new Set(['', '--', 'n/a']);
const AMOUNT = /^([+-]?)\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$/;

/**
 * A Fidelity number ("$1,234.56", "+$0.16", "-$260.00", "-86", "2,337.151") as a canonical
 * 8-decimal string; null for the blanks Fidelity writes for unknown values ("", "--", "n/a").
 */
export function fidelityNumber(text: string, column: string): string | null {
  const trimmed = text.trim();
  if (MISSING.has(trimmed.toLowerCase())) return null;
  const m = AMOUNT.exec(trimmed);
  if (!m) throw new InvalidRecordError(`${column} ${JSON.stringify(trimmed)} is not a number`);
  try {
    return parseDecimal(`${m[1]}${m[2].replace(/,/g, '')}${m[3] ?? ''}`);
  } catch (err) {
    throw new InvalidRecordError(`${column} ${JSON.stringify(trimmed)}: ${(err as Error).message}`);
  }
}

/** A Fidelity date "MM/DD/YYYY" as 'YYYY-MM-DD'. */
export function fidelityDate(text: string, column: string): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text.trim());
  const date = m ? DateTime.fromObject({ year: Number(m[3]), month: Number(m[1]), day: Number(m[2]) }, { zone: 'UTC' }) : undefined;
  if (!date?.isValid) throw new InvalidRecordError(`${column} ${JSON.stringify(text.trim())} is not a MM/DD/YYYY date`);
  return date.toISODate()!;
}

/** How an account number may appear in output: "account …1234". */
export function maskAccount(accountNumber: string): string {
  return `account …${accountNumber.slice(-4)}`;
}

/** The text with every one of the given account numbers replaced by its last four characters. */
export function maskAccountsIn(text: string, accountNumbers: Iterable<string>): string {
  const longestFirst = [...new Set(accountNumbers)].filter((n) => n.length > 4).sort((a, b) => b.length - a.length);
  return longestFirst.reduce((masked, n) => masked.split(n).join(`…${n.slice(-4)}`), text);
}

/** The account number in "<name> <number>" ("Individual - TOD X12345678", "BROKERAGE 200000000"). */
export function trailingAccountNumber(text: string): string {
  return text.trim().split(/\s+/).pop() ?? '';
}
