import { join } from 'node:path';
import { DateTime } from 'luxon';
import { MICROS_PER_MINUTE, MICROS_PER_MS } from '@md/market';
import { leanFileDate } from '@md/providers';
import { fixturesDir } from '@md/fixtures';
import { readLeanZipText } from './lean-files';
import type { SpyTrade } from './spy-ticks';

// Real minute series other than DBB, for checks that must hold on every symbol with minute data
// in fixtures/: LEAN minute trade bars (AAPL) and minute bars built from LEAN ticks (SPY).

/** A minute's start and its traded volume: what the gap and volume checks read. */
export interface MinuteVolume {
  readonly eventTime: number;
  readonly volume: number;
}

/** LEAN minute trade files in fixtures/ (LEAN docs, Data Format > US Equity: ms since New York midnight, OHLC x 10,000, volume). */
export const AAPL_MINUTE_FILES = ['20140605_trade.zip', '20140606_trade.zip', '20140609_trade.zip'].map((f) => `lean/minute/aapl/${f}`);

export async function readLeanMinuteBars(relativePath: string): Promise<MinuteVolume[]> {
  const name = relativePath.replace(/^.*[\\/]/, '');
  const midnightMs = DateTime.fromISO(leanFileDate(name), { zone: 'America/New_York' }).toMillis();
  const lines = (await readLeanZipText(join(fixturesDir(), relativePath))).split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.map((line) => {
    const cells = line.split(',');
    return { eventTime: (midnightMs + Number(cells[0])) * MICROS_PER_MS, volume: Number(cells[5]) };
  });
}

/** One bar per minute with trades, in time order: the minute's start and the summed size. */
export function minuteVolumesFromTrades(trades: readonly Pick<SpyTrade, 'eventTime' | 'size'>[]): MinuteVolume[] {
  const byMinute = new Map<number, number>();
  for (const t of trades) {
    const minute = Math.floor(t.eventTime / MICROS_PER_MINUTE) * MICROS_PER_MINUTE;
    byMinute.set(minute, (byMinute.get(minute) ?? 0) + t.size);
  }
  return [...byMinute.entries()].sort(([a], [b]) => a - b).map(([eventTime, volume]) => ({ eventTime, volume }));
}
