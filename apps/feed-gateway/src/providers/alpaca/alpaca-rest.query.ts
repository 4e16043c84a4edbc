// Query strings for GET /v2/stocks/{bars,trades,quotes} (docs.alpaca.markets, Market Data API).

/** Alpaca's historical feeds: iex (free), sip (all US exchanges), otc, boats (overnight). */
export const ALPACA_FEEDS = ['iex', 'sip', 'otc', 'boats'] as const;
export type AlpacaFeed = (typeof ALPACA_FEEDS)[number];

/** Alpaca's largest page: `limit` is 1..10000. */
export const ALPACA_MAX_PAGE_LIMIT = 10_000;

/** A client's page size: `max` (fewest requests) unless given, and refused outside 1..max. */
export function pageLimitOf(limit: number | undefined, max: number): number {
  const value = limit ?? max;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`pageLimit must be 1..${max}`);
  return value;
}

/** UTC micros as RFC-3339 with microseconds: 2023-07-10T13:30:00.000000Z. */
export function microsToRfc3339(us: number): string {
  const seconds = Math.floor(us / 1_000_000);
  const fraction = String(us - seconds * 1_000_000).padStart(6, '0');
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

/**
 * Alpaca's `end` is inclusive and its times have nanoseconds, so [fromUs, toUs) ends at the last
 * nanosecond before toUs: …59.999999999Z.
 */
export function inclusiveEnd(toUs: number): string {
  return microsToRfc3339(toUs - 1).replace('Z', '999Z');
}

export interface WindowQuery {
  symbols: readonly string[];
  fromUs: number;
  toUs: number;
  feed: AlpacaFeed;
  limit: number;
}

/** Parameters shared by the three endpoints; results oldest first (sort=asc). */
export function windowParams(q: WindowQuery): Record<string, string> {
  return {
    symbols: q.symbols.join(','),
    start: microsToRfc3339(q.fromUs),
    end: inclusiveEnd(q.toUs),
    limit: String(q.limit),
    feed: q.feed,
    sort: 'asc',
  };
}
