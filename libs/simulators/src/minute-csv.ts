import { readFileSync } from 'node:fs';
import type { RawBar } from '@md/contracts';
import { parseDecimal, parseTimestamp } from '@md/market';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Minute-bar recordings in the DBB file's format (timestamp,open,high,low,close,volume with naive UTC
// times, see fixtures/README.md), read once here and shaped as each simulator serves them.

/** One minute bar as Polygon's aggregates carry it: `t` in epoch ms. */
export type MinuteBar = { t: number; o: number; h: number; l: number; c: number; v: number; vw?: number; n?: number };

/** The rows of a minute-bar CSV as text, header left out. */
function readMinuteCsv(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(','));
}

let dbb: MinuteBar[] | undefined;

/** The DBB file as minute bars, read once per process (38,964 rows). */
export function dbbMinuteBars(): readonly MinuteBar[] {
  dbb ??= readMinuteCsv(fixturePath(DBB_MINUTE_FILE)).map(([ts, o, h, l, c, v]) => (
    { t: Date.parse(`${ts.replace(' ', 'T')}Z`), o: Number(o), h: Number(h), l: Number(l), c: Number(c), v: Number(v) }
  ));
  return dbb;
}

/**
 * Minute bars from a CSV of naive UTC timestamps (the DBB file's format: timestamp,open,high,low,close,volume),
 * the first `limit` distinct minutes, as a recording for the simulator.
 */
export function recordedBars(path: string, symbol: string, limit = Infinity, provider = 'alpaca'): RawBar[] {
  const bars = new Map<number, RawBar>();
  for (const [ts, open, high, low, close, volume] of readMinuteCsv(path)) {
    if (bars.size >= limit) break;
    const eventTime = parseTimestamp(ts, 'UTC');
    if (bars.has(eventTime)) continue;
    const [o, h, l, c] = [open, high, low, close].map((p) => parseDecimal(p));
    bars.set(eventTime, { symbol, timeframe: '1m', provider, eventTime, ingestTime: 0, open: o, high: h, low: l, close: c, volume: Number(volume), tradeCount: null, vwap: null, revision: 0 });
  }
  return [...bars.values()];
}
