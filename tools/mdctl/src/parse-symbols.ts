import { parseTime } from './parse-time';
import { UsageError } from './usage-error';

// US equity tickers as the providers spell them: letters first, then letters, digits, and one
// class separator ('.' or '-', BRK.B / BRK-B); at most 12 characters (exchange tickers have up
// to 5; the tests' unique run symbols are longer).
const TICKER = /^[A-Z][A-Z0-9]*(?:[.-][A-Z0-9]+)?$/;
const MAX_SYMBOLS = 1000;

/** Upper-cased, de-duplicated tickers from a comma-separated list, or a UsageError naming the bad one. */
export function parseSymbols(text: string): string[] {
  const symbols = [...new Set(text.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean))];
  if (!symbols.length) throw new UsageError('--symbols is empty: give comma-separated tickers, e.g. --symbols DBB,SPY');
  const bad = symbols.find((s) => s.length > 12 || !TICKER.test(s));
  if (bad) {
    throw new UsageError(`--symbols: "${bad}" is not a ticker symbol (letters, digits and one . or - class separator, up to 12 characters, e.g. DBB, BRK.B); patterns such as * are not expanded`);
  }
  // Bounded: one backfill job per call; a larger universe is split by the caller.
  if (symbols.length > MAX_SYMBOLS) throw new UsageError(`--symbols lists ${symbols.length} tickers; at most ${MAX_SYMBOLS} per run`);
  return symbols;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A New York calendar day YYYY-MM-DD as the backfill takes it (no 2024-02-30). */
export function parseDay(text: string, option: string): string {
  if (!DAY.test(text.trim())) throw new UsageError(`${option} "${text}" is not a date: use YYYY-MM-DD (a New York trading day)`);
  parseTime(text, option);
  return text.trim();
}
