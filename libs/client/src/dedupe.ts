/**
 * The platform's topics are exactly-once per key at its own sinks, not on the wire: a provider
 * correction re-emits a bar at a higher revision, a reprocess re-emits a window at a higher
 * generation, and a replay re-emits what is there. A subscriber that wants each bar or vector
 * once, at its latest version, passes every record through one of these.
 */

/** Identity and version of a record: newer when (generation, revision) is greater. */
export interface Versioned {
  key: string;
  generation: number;
  revision: number;
}

/** Bars and feature vectors: one per (symbol, timeframe, start). */
export function naturalKey(value: { symbol: string; timeframe?: string; eventTimeMicros?: number; eventTime?: Date | number; generation?: number; revision?: number }): Versioned {
  const start = value.eventTimeMicros ?? (value.eventTime instanceof Date ? value.eventTime.getTime() * 1000 : value.eventTime);
  return { key: `${value.symbol}|${value.timeframe ?? ''}|${start}`, generation: value.generation ?? 0, revision: value.revision ?? 0 };
}

export interface LatestPerKey<T> {
  /** True when `value` is new or newer than what was seen for its key (and remembers it). */
  accept(value: T): boolean;
  /** Keys remembered now. */
  readonly size: number;
}

/**
 * Keeps, per key, the highest (generation, revision) seen and accepts only records above it. A
 * duplicate (same version) and a stale one (lower) are dropped. `maxKeys` bounds memory for an
 * endless tail: the oldest-inserted keys are forgotten first (a subscriber reading in time order
 * never sees those again; a re-sent old key is then accepted once more).
 */
export function latestPerKey<T>(identify: (value: T) => Versioned = naturalKey as any, maxKeys = Infinity): LatestPerKey<T> {
  const seen = new Map<string, [number, number]>();
  return {
    accept(value: T): boolean {
      const { key, generation, revision } = identify(value);
      const last = seen.get(key);
      if (last && (generation < last[0] || (generation === last[0] && revision <= last[1]))) return false;
      seen.delete(key);
      seen.set(key, [generation, revision]);
      if (seen.size > maxKeys) seen.delete(seen.keys().next().value as string);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
