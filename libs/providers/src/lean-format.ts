import { DateTime } from 'luxon';
import { InvalidRecordError, type RawBar } from '@md/contracts';
import { MICROS_PER_MS, fromScaled } from '@md/market';

// QuantConnect LEAN's US equity text formats (LEAN docs, Data Format > US Equity): one CSV per
// zip, no header, prices as integers x 10,000 ("deci-cents"), times in America/New_York.
//   minute trade bar: ms since New York midnight,open,high,low,close,volume (date: file name)
//   daily trade bar:  yyyyMMdd HH:mm,open,high,low,close,volume
//   factor file row:  yyyyMMdd,price factor,split factor[,reference price] (CorporateFactorRow)
const NEW_YORK = 'America/New_York';
const MS_PER_DAY = 86_400_000;

/** The OHLCV part of a RawBar; the caller adds symbol, provider, timeframe and times. */
export type LeanTradeBar = Pick<RawBar, 'eventTime' | 'open' | 'high' | 'low' | 'close' | 'volume'>;

export interface LeanFactorRow {
  /** New York date, 'YYYY-MM-DD': the row applies to bars dated on or before it. */
  readonly date: string;
  readonly priceFactor: number;
  readonly splitFactor: number;
  /** Raw close on `date`; null in old three-column files. */
  readonly referencePrice: number | null;
}

/** 'YYYYMMDD' (also the start of a file name like 20140609_trade.zip) to 'YYYY-MM-DD'. */
export function leanFileDate(fileName: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:_|$)/.exec(fileName.replace(/^.*[\\/]/, ''));
  const date = m && `${m[1]}-${m[2]}-${m[3]}`;
  if (!date || !DateTime.fromISO(date).isValid) throw new InvalidRecordError(`${JSON.stringify(fileName)} does not start with a valid yyyyMMdd date`);
  return date;
}

/** Wall-clock time of a New York date to UTC micros; luxon resolves EST/EDT for that day. */
function newYorkMicros(date: string, msOfDay: number): number {
  const start = DateTime.fromISO(date, { zone: NEW_YORK });
  const wallClock = start.set({ hour: Math.floor(msOfDay / 3_600_000), minute: Math.floor(msOfDay / 60_000) % 60, second: Math.floor(msOfDay / 1000) % 60, millisecond: msOfDay % 1000 });
  return wallClock.toMillis() * MICROS_PER_MS;
}

function leanPrice(text: string): string {
  if (!/^\d+$/.test(text)) throw new Error(`price ${JSON.stringify(text)} is not a whole number of 1/10000 dollars`);
  return fromScaled(BigInt(text) * 10_000n); // x10^-4 in the file, x10^-8 in memory
}

function wholeNumber(text: string, name: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new Error(`${name} ${JSON.stringify(text)} is not a whole number`);
  return value;
}

function positive(text: string, name: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name} ${JSON.stringify(text)} is not a positive number`);
  return value;
}

/** Runs `parseLine` on each non-blank line, prefixing any error with the source and line number. */
function parseLines<T>(text: string, source: string, format: string, parseLine: (fields: string[]) => T): T[] {
  const rows: T[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      rows.push(parseLine(line.split(',').map((f) => f.trim())));
    } catch (err) {
      throw new InvalidRecordError(`${source} line ${i + 1}: ${(err as Error).message}; expected ${format}`, err);
    }
  });
  return rows;
}

function tradeBar(eventTime: number, fields: string[]): LeanTradeBar {
  const [open, high, low, close] = fields.slice(1, 5).map(leanPrice);
  return { eventTime, open, high, low, close, volume: wholeNumber(fields[5], 'volume') };
}

function expectFields(fields: string[], counts: number[]): void {
  if (!counts.includes(fields.length)) throw new Error(`got ${fields.length} fields`);
}

/** A minute trade-bar file of one New York date ('YYYY-MM-DD', see leanFileDate). */
export function parseLeanMinuteBars(text: string, date: string, source = `LEAN minute file ${date}`): LeanTradeBar[] {
  return parseLines(text, source, 'ms since New York midnight,open,high,low,close,volume', (fields) => {
    expectFields(fields, [6]);
    const ms = wholeNumber(fields[0], 'time');
    if (ms >= MS_PER_DAY) throw new Error(`time ${ms} ms is past the end of the day`);
    return tradeBar(newYorkMicros(date, ms), fields);
  });
}

/** A daily trade-bar file; each bar starts at its New York date's wall-clock time (00:00). */
export function parseLeanDailyBars(text: string, source = 'LEAN daily file'): LeanTradeBar[] {
  return parseLines(text, source, 'yyyyMMdd HH:mm,open,high,low,close,volume', (fields) => {
    expectFields(fields, [6]);
    const m = /^(\d{8}) (\d{2}):(\d{2})$/.exec(fields[0]);
    if (!m) throw new Error(`time ${JSON.stringify(fields[0])} is not yyyyMMdd HH:mm`);
    return tradeBar(newYorkMicros(leanFileDate(m[1]), (Number(m[2]) * 60 + Number(m[3])) * 60_000), fields);
  });
}

/** A factor file, rows in file order (ascending dates; the last, 20501231, is 1,1). */
export function parseLeanFactorFile(text: string, source = 'LEAN factor file'): LeanFactorRow[] {
  return parseLines(text, source, 'yyyyMMdd,price factor,split factor[,reference price]', (fields) => {
    expectFields(fields, [3, 4]);
    const referencePrice = fields.length === 4 ? Number(fields[3] || NaN) : null;
    if (referencePrice !== null && !(referencePrice >= 0)) throw new Error(`reference price ${JSON.stringify(fields[3])} is not a number >= 0`);
    return { date: leanFileDate(fields[0]), priceFactor: positive(fields[1], 'price factor'), splitFactor: positive(fields[2], 'split factor'), referencePrice };
  });
}

/** LEAN's lookup: the first row dated on or after the bar's New York date (undefined past the last). */
export function leanFactorsOn(rows: readonly LeanFactorRow[], date: string): LeanFactorRow | undefined {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].date < date) lo = mid + 1;
    else hi = mid;
  }
  return rows[lo];
}
