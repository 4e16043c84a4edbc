import { join } from 'node:path';
import { DateTime } from 'luxon';
import { type IntrinsicTrade } from '@md/intrinsic-bars';
import { MICROS_PER_MS, fromScaled } from '@md/market';
import { leanFileDate } from '@md/providers';
import { readLeanZipText } from './lean-files';
import { fixturesDir } from '@md/fixtures';

// Every SPY trade of 2013-10-07 (fixtures/lean/tick/spy, QuantConnect LEAN sample data,
// Apache-2.0), read independently of the feed-gateway's replay connector so tests of what is
// built from trades do not depend on it. LEAN tick line (LEAN docs, Data Format > US Equity):
//   ms since New York midnight, price x 10,000, size, exchange, sale condition flags, suspicious
export const SPY_TICK_FILE = 'lean/tick/spy/20131007_trade.zip';

export interface SpyTrade extends IntrinsicTrade {
  readonly exchange: string;
  readonly condition: string;
  /** LEAN's bad-print flag; none are set in this file. */
  readonly suspicious: boolean;
}

export function spyTickFilePath(): string {
  return join(fixturesDir(), SPY_TICK_FILE);
}

function whole(text: string, what: string, line: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new Error(`${SPY_TICK_FILE} line ${line}: ${what} ${JSON.stringify(text)} is not a whole number`);
  return value;
}

/** The day's trades in file order; ingestTime = eventTime so runs are reproducible. */
export async function readSpyTrades(path = spyTickFilePath()): Promise<SpyTrade[]> {
  // The file's day is not a DST change day, so one offset serves all of it.
  const midnightMs = DateTime.fromISO(leanFileDate(path.replace(/^.*[\\/]/, '')), { zone: 'America/New_York' }).toMillis();
  const lines = (await readLeanZipText(path)).split(/\r?\n/);
  const trades: SpyTrade[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const [ms, price, size, exchange, condition, suspicious] = text.split(',');
    const eventTime = (midnightMs + whole(ms, 'time', i + 1)) * MICROS_PER_MS;
    trades.push({
      symbol: 'SPY',
      provider: 'lean',
      eventTime,
      ingestTime: eventTime,
      price: fromScaled(BigInt(whole(price, 'price', i + 1)) * 10_000n), // x10^-4 in the file, x10^-8 in memory
      size: whole(size, 'size', i + 1),
      exchange,
      condition,
      suspicious: suspicious === '1',
    });
  });
  return trades;
}
