import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from '@md/fixtures';
import { microsToIso } from '@md/market';
import { leanFileDate, parseLeanMinuteBars } from '@md/providers';
import { readLeanZipText } from './lean-files';

/**
 * Real LEAN AAPL minute trade bars of the given days (`20140605`, fixtures/lean/minute/aapl) as a
 * CSV the gateway's replay reads (`timestamp,open,high,low,close,volume`, UTC): the corporate
 * action tests replay them in parts around an action.
 */
export async function leanAaplMinuteCsv(days: string[]): Promise<{ file: string; bars: number }> {
  const lines = ['timestamp,open,high,low,close,volume'];
  for (const day of days) {
    const text = await readLeanZipText(join(fixturesDir(), `lean/minute/aapl/${day}_trade.zip`));
    for (const b of parseLeanMinuteBars(text, leanFileDate(day), day)) lines.push([microsToIso(b.eventTime), b.open, b.high, b.low, b.close, b.volume].join(','));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'md-lean-minutes-')), `${days.join('-')}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, bars: lines.length - 1 };
}
