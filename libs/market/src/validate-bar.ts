import type { RawBar } from '@md/contracts';
import { toScaled, toScaledNumber } from './decimal';

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;
type PriceField = (typeof PRICE_FIELDS)[number];

/** Each price as a scaled integer: numbers when all are exact (the usual case), else bigints. */
function scaledPrices(bar: RawBar): Record<PriceField, number> | Record<PriceField, bigint> {
  const open = toScaledNumber(bar.open);
  const high = toScaledNumber(bar.high);
  const low = toScaledNumber(bar.low);
  const close = toScaledNumber(bar.close);
  if (open !== undefined && high !== undefined && low !== undefined && close !== undefined) return { open, high, low, close };
  return { open: toScaled(bar.open), high: toScaled(bar.high), low: toScaled(bar.low), close: toScaled(bar.close) };
}

// The seed's OHLCV invariants: low <= open, close <= high; all prices finite and > 0;
// volume a whole number >= 0. Returns every violated rule, so a dead-letter record says
// all that is wrong with a bar at once, not just the first thing.
export function barViolations(bar: RawBar): string[] {
  const problems: string[] = [];
  const p = scaledPrices(bar) as Record<PriceField, number | bigint>;
  for (const field of PRICE_FIELDS) {
    if (p[field] <= 0) problems.push(`${field} ${bar[field]} is not positive`);
  }
  if (p.high < p.low) problems.push(`high ${bar.high} is below low ${bar.low}`);
  for (const field of ['open', 'close'] as const) {
    if (p[field] > p.high) problems.push(`${field} ${bar[field]} is above high ${bar.high}`);
    if (p[field] < p.low) problems.push(`${field} ${bar[field]} is below low ${bar.low}`);
  }
  if (!Number.isSafeInteger(bar.volume) || bar.volume < 0) {
    problems.push(`volume ${bar.volume} is not a whole number >= 0`);
  }
  if (!Number.isSafeInteger(bar.eventTime)) problems.push(`eventTime ${bar.eventTime} is not whole microseconds`);
  return problems;
}
