import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { parseDecimal } from './decimal';
import { InvalidRecordError } from '@md/contracts';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, tradingDay } from './exchange-calendar';

// A corporate action as the feed gateway publishes it on md.corporate-actions.v1. Corrections
// are new records with a higher revision (DESIGN.md: corrections as new records), so a provider
// can cancel a dividend with amount "0" or a split with ratio 1:1 at a higher revision.
export type CorporateActionKind = 'split' | 'cash_dividend';

export interface CorporateAction {
  readonly symbol: string;
  /** First New York trading date without the entitlement, 'YYYY-MM-DD'. */
  readonly exDate: string;
  readonly kind: CorporateActionKind;
  /** Split only: `to` new shares for `from` old (7-for-1 is { to: 7, from: 1 }). */
  readonly ratio?: { readonly to: number; readonly from: number };
  /** Cash dividend only: cash per share, decimal string, in raw prices of the day before exDate. */
  readonly amount?: string;
  readonly provider: string;
  /** Higher revision replaces lower for the same (symbol, exDate, kind). */
  readonly revision: number;
}

export const TICKER_PATTERN = /^[A-Z][A-Z0-9.\-/]{0,20}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function exDateProblem(exDate: string): string | undefined {
  if (!ISO_DATE.test(exDate) || !DateTime.fromISO(exDate, { zone: 'utc' }).isValid) {
    return `exDate ${JSON.stringify(exDate)} is not a YYYY-MM-DD New York date; write it like 2014-06-09`;
  }
  const year = Number(exDate.slice(0, 4));
  if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) return undefined; // outside the calendar: cannot tell
  const day = tradingDay(exDate);
  if (day.open) return undefined;
  return `exDate ${exDate} is not an NYSE trading day (${day.closedFor}); an ex-date is the first trading day without the entitlement, check the announcement`;
}

function splitProblems(a: CorporateAction): string[] {
  const problems: string[] = [];
  const { to, from } = a.ratio ?? { to: NaN, from: NaN };
  if (!(Number.isFinite(to) && to > 0 && Number.isFinite(from) && from > 0)) {
    problems.push(`ratio must be two positive numbers, got to=${to} from=${from}; a 7-for-1 split is { to: 7, from: 1 }`);
  }
  if (a.amount !== undefined) problems.push('a split carries no cash amount; remove amount');
  return problems;
}

function dividendProblems(a: CorporateAction): string[] {
  const problems: string[] = [];
  if (a.ratio !== undefined) problems.push('a cash dividend carries no ratio; remove ratio');
  if (a.amount === undefined) return [...problems, 'a cash dividend needs amount, the cash per share such as "0.73"'];
  try {
    if (parseDecimal(a.amount).startsWith('-')) problems.push(`amount ${a.amount} is negative; give the cash paid per share as a positive number`);
  } catch {
    problems.push(`amount ${JSON.stringify(a.amount)} is not a plain decimal; write the cash per share like 0.73`);
  }
  return problems;
}

function kindProblems(a: CorporateAction): string[] {
  if (a.kind === 'split') return splitProblems(a);
  if (a.kind === 'cash_dividend') return dividendProblems(a);
  return [`kind ${JSON.stringify(a.kind)} is unknown; use split or cash_dividend`];
}

/**
 * The checks every corporate action passes, whatever its kind (ticker, ex-date a trading day,
 * provider, revision), with `kindProblems` of its terms; each problem prefixed with symbol, kind
 * and date. The price actions here and the other kinds (corporate-action-record.ts) share it.
 */
export function actionViolations(a: { symbol?: string; exDate?: string; kind?: string; provider?: string; revision: number }, kindProblems: readonly string[]): string[] {
  const problems: string[] = [];
  if (!TICKER_PATTERN.test(a.symbol ?? '')) problems.push(`symbol ${JSON.stringify(a.symbol)} is not an upper-case ticker; write it as listed, e.g. AAPL`);
  const date = exDateProblem(a.exDate ?? '');
  if (date) problems.push(date);
  problems.push(...kindProblems);
  if (!a.provider?.trim()) problems.push('provider is empty; name the source of the action');
  if (!Number.isSafeInteger(a.revision) || a.revision < 0) problems.push(`revision ${a.revision} must be a whole number >= 0`);
  const where = `${a.symbol ?? '?'} ${a.kind ?? '?'} ex ${a.exDate ?? '?'}`;
  return problems.map((p) => `${where}: ${p}`);
}

/** Everything wrong with an action, each problem saying what, where and how to fix it; [] when valid. */
export function corporateActionViolations(a: CorporateAction): string[] {
  return actionViolations(a, kindProblems(a));
}

/** Throws one InvalidRecordError listing every violation of every action. */
export function assertCorporateActions(actions: readonly CorporateAction[]): void {
  const problems = actions.flatMap(corporateActionViolations);
  if (problems.length > 0) throw new InvalidRecordError(`invalid corporate actions:\n${problems.join('\n')}`);
}

/** Keeps, per (symbol, exDate, kind), the highest revision; of equal revisions the first seen stays. */
export function latestRevisions(actions: readonly CorporateAction[]): CorporateAction[] {
  const latest = new Map<string, CorporateAction>();
  for (const a of actions) {
    const key = `${a.symbol}|${a.exDate}|${a.kind}`;
    const seen = latest.get(key);
    if (!seen || a.revision > seen.revision) latest.set(key, a);
  }
  return [...latest.values()];
}

/** At most MAX_LISTED_PROBLEMS lines, so a wholly wrong file gives a readable message (STYLE.md habit 10). */
const MAX_LISTED_PROBLEMS = 20;
function listProblems(problems: string[]): string {
  const more = problems.length - MAX_LISTED_PROBLEMS;
  return [...problems.slice(0, MAX_LISTED_PROBLEMS), ...(more > 0 ? [`… and ${more} more`] : [])].join('\n');
}

const CSV_COLUMNS = ['symbol', 'ex_date', 'kind', 'ratio_to', 'ratio_from', 'amount'];

function csvRowToAction(row: Record<string, string>, provider: string): CorporateAction {
  const ratio = row.ratio_to || row.ratio_from ? { to: Number(row.ratio_to || NaN), from: Number(row.ratio_from || NaN) } : undefined;
  return {
    symbol: row.symbol,
    exDate: row.ex_date,
    kind: row.kind as CorporateActionKind,
    ...(ratio ? { ratio } : {}),
    ...(row.amount ? { amount: row.amount } : {}),
    provider,
    revision: row.revision ? Number(row.revision) : 0,
  };
}

function checkHeader(header: string[], source: string): string[] {
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new InvalidRecordError(`${source}: header lacks ${missing.join(', ')}; expected ${CSV_COLUMNS.join(',')}`);
  return header;
}

type CsvRecord = { record: Record<string, string>; info: { lines: number } };

function parseRecords(text: string, source: string): CsvRecord[] {
  try {
    const columns = (header: string[]) => checkHeader(header, source);
    return parse(text, { columns, skip_empty_lines: true, trim: true, info: true }) as unknown as CsvRecord[];
  } catch (err) {
    if (err instanceof InvalidRecordError) throw err;
    throw new InvalidRecordError(`${source}: ${(err as Error).message}`, err);
  }
}

/**
 * Reads `symbol,ex_date,kind,ratio_to,ratio_from,amount[,revision]` (fixtures/corporate-actions).
 * Throws one InvalidRecordError naming the line of every bad row, so a file is fixed in one pass.
 */
export function parseCorporateActionsCsv(text: string, provider: string, source = 'corporate actions CSV'): CorporateAction[] {
  const problems: string[] = [];
  const actions = parseRecords(text, source).map(({ record, info }) => {
    const action = csvRowToAction(record, provider);
    problems.push(...corporateActionViolations(action).map((p) => `${source} line ${info.lines}: ${p}`));
    return action;
  });
  if (problems.length > 0) throw new InvalidRecordError(listProblems(problems));
  return actions.map((a) => (a.amount === undefined ? a : { ...a, amount: parseDecimal(a.amount) }));
}

