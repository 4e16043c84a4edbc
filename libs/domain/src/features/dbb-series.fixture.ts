import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimestamp } from '../time';
import type { FeatureBar } from './feature-bar';

// Test-only (not exported): the real DBB minute series as feature bars. @md/testing cannot be
// imported from the domain lib (eslint.config.js module boundaries), so this resolves the file
// as libs/testing/src/paths.ts does: MD_SHARED_DATA, else ../shared/data beside the checkout.
export const DBB_FILE = join(process.env.MD_SHARED_DATA ?? join(__dirname, '../../../../../shared/data'), 'bars/DBB_1min_2023-07-10_to_2025-07-08.csv');

let cached: FeatureBar[] | undefined;

/** One bar per distinct minute (the file repeats a few; the first is kept, as the sink does), oldest first. */
export function dbbFeatureBars(): FeatureBar[] {
  if (cached) return cached;
  const bars = new Map<number, FeatureBar>();
  for (const line of readFileSync(DBB_FILE, 'utf8').trim().split(/\r?\n/).slice(1)) {
    const [ts, open, high, low, close, volume] = line.split(',');
    const eventTime = parseTimestamp(ts, 'UTC');
    if (!bars.has(eventTime)) bars.set(eventTime, { eventTime, open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) });
  }
  cached = [...bars.values()].sort((a, b) => a.eventTime - b.eventTime);
  return cached;
}
