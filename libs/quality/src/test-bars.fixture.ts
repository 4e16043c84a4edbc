import { readFileSync } from 'node:fs';
import type { CleanBar } from '@md/contracts';
import { cleanBar, clockText, newYorkClock, sessionAt } from '@md/market';
import { DEFAULT_BAR_COLUMNS, csvRowToRawBar } from '@md/providers';
import type { QualityIssue } from './quality-issue';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Test-only helpers (not exported). The real DBB minute file, naive UTC times (fixtures/README.md).
export const DBB_FILE = fixturePath(DBB_MINUTE_FILE);

const cache = new Map<string, CleanBar[]>();

/** Every DBB row as a clean bar, reading the naive timestamps in `zone` ('UTC' is right; 'America/New_York' is the classic mistake). */
export function dbbBars(zone = 'UTC'): CleanBar[] {
  const hit = cache.get(zone);
  if (hit) return hit;
  const [header, ...lines] = readFileSync(DBB_FILE, 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const options = { columns: DEFAULT_BAR_COLUMNS, zone, symbol: 'DBB', timeframe: '1m' as const, provider: 'file' };
  const bars = lines.map((line) => {
    const cells = line.split(',');
    const row = Object.fromEntries(names.map((name, i) => [name, cells[i]]));
    return cleanBar(csvRowToRawBar(row, options, 0));
  });
  cache.set(zone, bars);
  return bars;
}

/** The bars of New York dates from `first` to `last` inclusive. */
export function dbbDays(first: string, last = first, zone = 'UTC'): CleanBar[] {
  return dbbBars(zone).filter((bar) => {
    const date = newYorkClock(bar.eventTime).date;
    return date >= first && date <= last;
  });
}

/** A synthetic 1-minute clean bar at a UTC ISO time ('2024-05-03T14:00Z'), for cases the real file cannot show. */
export function testBar(isoUtc: string, close = '20.00000000', extra: Partial<CleanBar> = {}): CleanBar {
  const eventTime = Date.parse(isoUtc) * 1000;
  return {
    symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime, ingestTime: eventTime, open: close, high: close, low: close, close,
    volume: 100, tradeCount: null, vwap: null, revision: 0, session: sessionAt(eventTime), splitFactor: 1, dividendFactor: 1, generation: 0, ...extra,
  };
}

export function feed<B>(detector: { observe(bar: B): QualityIssue[] }, bars: readonly B[]): QualityIssue[] {
  return bars.flatMap((bar) => detector.observe(bar));
}

export function localDate(us: number): string {
  return newYorkClock(us).date;
}

export function localTime(us: number): string {
  return clockText(newYorkClock(us).minute);
}
