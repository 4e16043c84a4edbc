import { readFileSync } from 'node:fs';
import { parseTimestamp } from '@md/market';
import type { FeatureBar } from './feature-bar';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Test-only (not exported): the real DBB minute series as feature bars (fixtures/README.md).
export const DBB_FILE = fixturePath(DBB_MINUTE_FILE);

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
