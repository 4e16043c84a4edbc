import { readFileSync } from 'node:fs';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Test helpers for storage.integration.spec.ts: the real DBB minute file, and a 5-minute
// aggregate computed by hand with exact integer arithmetic, independent of any SQL.

export interface MinuteRow {
  time: string; // ISO UTC
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export interface AggregateRow extends MinuteRow {
  vwap: string | null;
  barCount: number;
}

const SCALE = 10n ** 8n; // numeric(20,8)

export function dbbMinuteFile(): string {
  return fixturePath(DBB_MINUTE_FILE);
}

/** The rows of the first `days` distinct UTC dates; timestamps in the file are naive UTC. First row of a minute wins. */
export function firstTradingDays(path: string, days: number): MinuteRow[] {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
  const rows = new Map<string, MinuteRow>();
  const dates = new Set<string>();
  for (const line of lines) {
    const [ts, open, high, low, close, volume] = line.split(',');
    const date = ts.slice(0, 10);
    if (!dates.has(date) && dates.size === days) break;
    dates.add(date);
    const time = new Date(`${ts.replace(' ', 'T')}Z`).toISOString();
    if (!rows.has(time)) rows.set(time, { time, open, high, low, close, volume: String(BigInt(volume)) });
  }
  return [...rows.values()];
}

/** Buckets of `minutes` aligned on UTC epoch multiples, as PostgreSQL would store them in numeric(20,8). */
export function aggregateByHand(rows: readonly MinuteRow[], minutes: number): AggregateRow[] {
  const width = minutes * 60_000;
  const buckets = new Map<number, MinuteRow[]>();
  for (const r of [...rows].sort((a, b) => a.time.localeCompare(b.time))) {
    const start = Math.floor(Date.parse(r.time) / width) * width;
    buckets.set(start, [...(buckets.get(start) ?? []), r]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([start, bars]) => {
    const volume = bars.reduce((s, b) => s + BigInt(b.volume), 0n);
    // vwap without a provider vwap = sum(typical * volume) / sum(volume), typical = (h + l + c) / 3
    const weighted = bars.reduce((s, b) => s + (units(b.high) + units(b.low) + units(b.close)) * BigInt(b.volume), 0n);
    const denominator = 3n * volume;
    return {
      time: new Date(start).toISOString(),
      open: format(units(bars[0].open)),
      high: format(bars.map((b) => units(b.high)).reduce((m, v) => (v > m ? v : m))),
      low: format(bars.map((b) => units(b.low)).reduce((m, v) => (v < m ? v : m))),
      close: format(units(bars[bars.length - 1].close)),
      volume: String(volume),
      // round half up (all positive): floor((2n + d) / 2d)
      vwap: denominator === 0n ? null : format((2n * weighted + denominator) / (2n * denominator)),
      barCount: bars.length,
    };
  });
}

/** A decimal string in units of 1e-8 (the file has at most 8 decimals; more would be a fixture error). */
function units(decimal: string): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  if (fraction.length > 8) throw new Error(`${decimal} has more than 8 decimals`);
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(8, '0'));
}

function format(u: bigint): string {
  return `${u / SCALE}.${String(u % SCALE).padStart(8, '0')}`;
}
