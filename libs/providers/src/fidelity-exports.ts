import { DateTime } from 'luxon';
import { ConfigError, InvalidRecordError, type ExecutionRecord, type OrderSide, type PositionRecord } from '@md/contracts';
import { MICROS_PER_MS, TICKER_PATTERN, fromScaled, toScaled } from '@md/market';
import {
  FIDELITY_HISTORY_LAYOUT, FIDELITY_POSITIONS_LAYOUT, actionKind, cell, fidelityDate, fidelityNumber, maskAccount, maskAccountsIn,
  readFidelityRows, trailingAccountNumber, type FidelityRow, type FidelitySkipKind,
} from './fidelity-columns';

export type { FidelitySkipKind } from './fidelity-columns';

// Fidelity account exports (fidelity.com downloads; Fidelity has no public API) to trading
// records: the Positions export to PositionRecords (md.positions.v1), the History export's buys
// and sells to ExecutionRecords (md.executions.v1). Layouts and their sources: fidelity-columns.ts.
// Pure: the caller reads the file and passes its name (for messages) and text. An account number
// never leaves this module: records carry the configured alias, messages "account …1234".

export interface FidelityRejection {
  /** The file name as given, with any known account number in it masked. */
  readonly file: string;
  /** 1-based line of the row in the file. */
  readonly line: number;
  readonly reason: string;
}

export interface FidelityImport<T> {
  readonly records: T[];
  readonly rejected: FidelityRejection[];
  readonly skipped: Partial<Record<FidelitySkipKind, number>>;
}

export interface FidelityImportOptions {
  /** Fidelity account number ("X12345678") → the alias records carry; an account not here is rejected. */
  readonly accountAliases: Readonly<Record<string, string>>;
  /** When the file was read, UTC micros. */
  readonly ingestTime: number;
}

export interface FidelityPositionsOptions extends FidelityImportOptions {
  /** When the export was taken (the positions' asOf), UTC micros. */
  readonly asOf: number;
}

export interface FidelityHistoryOptions extends FidelityImportOptions {
  /** The account of a per-account history, which has no Account column; default: the number in a History_for_Account_<number>.csv name. */
  readonly accountNumber?: string;
}

const BROKER = 'fidelity';

/** Bonds, CDs and some funds are listed by CUSIP, not ticker ("912797SZ1"): priced per 100 of face, not shares. */
const CUSIP = /^\d[0-9A-Z]{7}\d$/;
const HISTORY_FILE_ACCOUNT = /History_for_Account_([A-Z]?\d{5,})/i;
const SCALE = 10n ** 8n;

/** Collects an import's output; every reason and file name goes out with account numbers masked. */
class Collector<T> {
  readonly records: T[] = [];
  readonly rejected: FidelityRejection[] = [];
  readonly skipped: Partial<Record<FidelitySkipKind, number>> = {};
  readonly aliases = new Map<string, string>();
  private readonly seen = new Set<string>();
  readonly file: string;

  constructor(file: string, aliases: Readonly<Record<string, string>>, extraNumbers: readonly string[]) {
    for (const [number, alias] of Object.entries(aliases)) {
      const key = number.trim().toUpperCase();
      if (!alias.trim() || alias.toUpperCase().includes(key)) {
        throw new ConfigError(`Fidelity alias of ${maskAccount(key)} must be a non-empty name without the account number`);
      }
      this.aliases.set(key, alias);
      this.seen.add(key);
    }
    extraNumbers.forEach((n) => this.seen.add(n.toUpperCase()));
    this.file = maskAccountsIn(file, this.seen);
  }

  /** The alias of an account number, remembering the number so no message can show it. */
  alias(accountNumber: string): string {
    const key = accountNumber.trim().toUpperCase();
    if (key) this.seen.add(key);
    const alias = this.aliases.get(key);
    if (alias === undefined) throw new InvalidRecordError(key ? `${maskAccount(key)} has no alias in accountAliases` : 'the row names no account');
    return alias;
  }

  reject(line: number, reason: string): void {
    this.rejected.push({ file: this.file, line, reason: maskAccountsIn(reason, this.seen) });
  }

  skip(kind: FidelitySkipKind): void {
    this.skipped[kind] = (this.skipped[kind] ?? 0) + 1;
  }

  result(): FidelityImport<T> {
    return { records: this.records, rejected: this.rejected, skipped: this.skipped };
  }
}

/** Why a listed security is not a share position or trade, or undefined when it is one. */
function nonShareKind(symbol: string): FidelitySkipKind | undefined {
  if (symbol.toLowerCase() === 'pending activity') return 'pending';
  if (symbol.endsWith('**')) return 'money_market'; // the core (sweep) position, "SPAXX**"
  if (symbol.startsWith('-')) return 'option'; // "-AAPL250117C150"
  return CUSIP.test(symbol) ? 'cusip' : undefined;
}

function ticker(symbol: string): string {
  if (!symbol) throw new InvalidRecordError('Symbol is blank');
  if (!TICKER_PATTERN.test(symbol)) throw new InvalidRecordError(`Symbol ${JSON.stringify(symbol)} is not a ticker`);
  return symbol;
}

function required(row: FidelityRow, column: string, header: string): string {
  const value = fidelityNumber(cell(row, column), header);
  if (value === null) throw new InvalidRecordError(`${header} is blank`);
  return value;
}

const abs = (v: bigint) => (v < 0n ? -v : v);
/** a / b at 8 decimals, rounded half up; both scaled by 10^8 and b > 0. */
const divide = (a: bigint, b: bigint) => fromScaled((2n * abs(a) * SCALE + b) / (2n * b));

interface PositionPart {
  readonly line: number;
  readonly quantity: bigint;
  /** Average Cost Basis as given, when given. */
  readonly average: string | null;
  /** Total cost of the part: Cost Basis Total, else average × |quantity|. */
  readonly cost: bigint;
}

interface PositionGroup {
  readonly alias: string;
  readonly symbol: string;
  readonly parts: PositionPart[];
  /** The first rejected row of the position. */
  spoiledBy?: number;
}

function positionPart(row: FidelityRow): PositionPart {
  const quantity = toScaled(required(row, 'quantity', 'Quantity'));
  const average = fidelityNumber(cell(row, 'averageCost'), 'Average Cost Basis');
  const total = fidelityNumber(cell(row, 'costTotal'), 'Cost Basis Total');
  if (average?.startsWith('-')) throw new InvalidRecordError(`Average Cost Basis ${average} is negative`);
  if (average === null && (total === null || quantity === 0n)) {
    throw new InvalidRecordError('no cost basis: Average Cost Basis is blank and Cost Basis Total is blank or the quantity 0');
  }
  const cost = total !== null ? abs(toScaled(total)) : (toScaled(average!) * abs(quantity)) / SCALE;
  return { line: row.line, quantity, average, cost };
}

/** One position from its rows (Fidelity lists a security held in both the cash and margin parts twice). */
function averageEntryPrice(parts: readonly PositionPart[]): string {
  if (parts.length === 1) return parts[0].average ?? divide(parts[0].cost, abs(parts[0].quantity));
  const held = parts.filter((p) => p.quantity !== 0n);
  if (new Set(held.map((p) => p.quantity > 0n)).size > 1) throw new InvalidRecordError('long and short rows of one symbol; net them by hand');
  const quantity = held.reduce((sum, p) => sum + abs(p.quantity), 0n);
  if (quantity === 0n) throw new InvalidRecordError('several rows of one symbol, all of quantity 0');
  return divide(held.reduce((sum, p) => sum + p.cost, 0n), quantity);
}

/**
 * The Positions export (Portfolio_Positions_*.csv) as PositionRecords, one per account alias and
 * symbol, in file order. Money-market core, pending, option and CUSIP rows are counted in
 * `skipped`; a bad row is rejected with its line, and so are the other rows of its position,
 * which would otherwise be published short. Throws InvalidRecordError when the text has no
 * Positions header.
 */
export function parseFidelityPositions(file: string, text: string, options: FidelityPositionsOptions): FidelityImport<PositionRecord> {
  const out = new Collector<PositionRecord>(file, options.accountAliases, []);
  const { rows, columns } = readFidelityRows(text, out.file, FIDELITY_POSITIONS_LAYOUT);
  const groups = new Map<string, PositionGroup>();
  for (const row of rows) {
    const symbol = cell(row, 'symbol');
    const kind = nonShareKind(symbol);
    if (kind) {
      out.skip(kind);
      continue;
    }
    let group: PositionGroup | undefined;
    try {
      const account = columns.has('accountNumber') ? cell(row, 'accountNumber') : trailingAccountNumber(cell(row, 'accountNameNumber'));
      const alias = out.alias(account);
      const key = `${alias}|${ticker(symbol)}`;
      group = groups.get(key) ?? { alias, symbol, parts: [] };
      groups.set(key, group);
      group.parts.push(positionPart(row));
    } catch (err) {
      if (!(err instanceof InvalidRecordError)) throw err;
      out.reject(row.line, err.message);
      if (group) group.spoiledBy ??= row.line;
    }
  }
  for (const { alias, symbol, parts, spoiledBy } of groups.values()) {
    try {
      if (spoiledBy !== undefined) throw new InvalidRecordError(`${symbol} has a rejected row at line ${spoiledBy}; not published in part`);
      const quantity = fromScaled(parts.reduce((sum, p) => sum + p.quantity, 0n));
      out.records.push({ broker: BROKER, accountAlias: alias, symbol, quantity, averageEntryPrice: averageEntryPrice(parts), asOf: options.asOf, source: 'export', ingestTime: options.ingestTime });
    } catch (err) {
      if (!(err instanceof InvalidRecordError)) throw err;
      parts.forEach((p) => out.reject(p.line, err.message));
    }
  }
  return out.result();
}

/** Decimal text without trailing zeros, for ids people read: "10.50000000" → "10.5". */
const short = (decimal: string) => decimal.replace(/\.?0+$/, '');

/**
 * The run date at 16:00 New York: the export has no time of day, and the regular session's close
 * is the last moment a regular-hours fill of that day can have happened, so the time is never
 * earlier than the fill (an extended-hours fill after 16:00 is the exception).
 */
function executionTime(runDate: string): number {
  return DateTime.fromISO(`${runDate}T16:00`, { zone: 'America/New_York' }).toMillis() * MICROS_PER_MS;
}

interface Fill {
  readonly alias: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly runDate: string;
  readonly quantity: string;
  readonly price: string;
}

function fill(row: FidelityRow, side: OrderSide, alias: string, symbol: string): Fill {
  const runDate = fidelityDate(cell(row, 'runDate'), 'Run Date');
  const quantity = required(row, 'quantity', 'Quantity').replace('-', ''); // sells carry a negative quantity
  const price = required(row, 'price', 'Price');
  if (toScaled(quantity) === 0n) throw new InvalidRecordError('Quantity is 0 on a trade');
  if (toScaled(price) <= 0n) throw new InvalidRecordError(`Price ${price} is not positive on a trade`);
  return { alias, symbol, side, runDate, quantity, price };
}

/**
 * The History export (Accounts_History.csv, History_for_Account_*.csv) as ExecutionRecords, one
 * per YOU BOUGHT / YOU SOLD row of a ticker. Fidelity gives no order or execution id, so the
 * order id is the row's content plus its occurrence among identical rows of the file,
 * `fidelity:<alias>:<run date>:<symbol>:<side>:<qty>@<price>#<n>`: an export of the same or an
 * overlapping period (whole days) yields the same ids, so a re-import upserts. The execution id
 * is `<orderId>@<quantity>` as the contract has it. Other rows, and trades still "Processing",
 * are counted in `skipped`; a bad trade row is rejected with its line. Throws InvalidRecordError
 * when the text has no History header, or no account can be told for a per-account file.
 */
export function parseFidelityHistory(file: string, text: string, options: FidelityHistoryOptions): FidelityImport<ExecutionRecord> {
  const fromName = HISTORY_FILE_ACCOUNT.exec(file)?.[1];
  const out = new Collector<ExecutionRecord>(file, options.accountAliases, [options.accountNumber ?? '', fromName ?? '']);
  const { rows, columns } = readFidelityRows(text, out.file, FIDELITY_HISTORY_LAYOUT);
  const fallback = options.accountNumber ?? fromName;
  if (!columns.has('account') && !columns.has('accountNumber') && fallback === undefined) {
    throw new InvalidRecordError(`${out.file}: a per-account history has no Account column; pass accountNumber or keep the History_for_Account_<number>.csv name`);
  }
  const occurrences = new Map<string, number>();
  for (const row of rows) {
    const kind = actionKind(cell(row, 'action'));
    const nonShare = kind === 'BUY' || kind === 'SELL' ? nonShareKind(cell(row, 'symbol')) : undefined;
    const pending = cell(row, 'cashBalance').toLowerCase() === 'processing';
    const skip = kind !== 'BUY' && kind !== 'SELL' ? kind : pending ? 'pending' : nonShare;
    if (skip) {
      out.skip(skip);
      continue;
    }
    try {
      const account = columns.has('accountNumber') ? cell(row, 'accountNumber') : columns.has('account') ? trailingAccountNumber(cell(row, 'account')) : fallback!;
      const f = fill(row, kind as OrderSide, out.alias(account), ticker(cell(row, 'symbol')));
      const content = `${BROKER}:${f.alias}:${f.runDate}:${f.symbol}:${f.side}:${short(f.quantity)}@${short(f.price)}`;
      const n = (occurrences.get(content) ?? 0) + 1;
      occurrences.set(content, n);
      const orderId = `${content}#${n}`;
      out.records.push({
        broker: BROKER, accountAlias: f.alias, executionId: `${orderId}@${f.quantity}`, brokerExecutionId: null, orderId,
        symbol: f.symbol, side: f.side, price: f.price, quantity: f.quantity, cumulativeQuantity: f.quantity,
        executionTime: executionTime(f.runDate), ingestTime: options.ingestTime,
      });
    } catch (err) {
      if (!(err instanceof InvalidRecordError)) throw err;
      out.reject(row.line, err.message);
    }
  }
  return out.result();
}
