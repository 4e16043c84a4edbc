import { readFileSync } from 'node:fs';
import { parseDecimal } from '@md/market';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

export interface ExpectedBar {
  time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/**
 * The DBB minute file as the database should hold it, read independently of the pipeline's
 * parser: one entry per distinct minute (a later duplicate row of the same minute does not
 * replace the first, matching the sink's revision rule for equal revisions).
 */
export function expectedDbbBars(path = fixturePath(DBB_MINUTE_FILE)): Map<string, ExpectedBar> {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
  const bars = new Map<string, ExpectedBar>();
  for (const line of lines) {
    const [ts, open, high, low, close, volume] = line.split(',');
    const time = new Date(`${ts.replace(' ', 'T')}Z`).toISOString();
    if (!bars.has(time)) {
      bars.set(time, { time, open: parseDecimal(open), high: parseDecimal(high), low: parseDecimal(low), close: parseDecimal(close), volume: String(Number(volume)) });
    }
  }
  return bars;
}
