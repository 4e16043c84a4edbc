import type { RawBar } from '@md/contracts';

/** What a 'bar_revised' issue names of a version: its values and where it came from. */
export type BarVersion = Pick<RawBar, 'provider' | 'revision' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'tradeCount' | 'vwap'>;

export const barVersion = (b: BarVersion): BarVersion => ({
  provider: b.provider, revision: b.revision, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, tradeCount: b.tradeCount, vwap: b.vwap,
});

/**
 * The values of the bar versions passed on most recently, so the issue a revision raises can name
 * what it replaced: the revision memory keeps only a content hash per version (~11 bytes, in the
 * changelog). Process memory, not state: bounded by `maxBars` (the oldest forgotten first, STYLE.md
 * habit 10); a revision of a version not held here (before a restart or rebalance, or past the
 * bound) names the old values as unknown, and the writer's `bar_revisions` still holds them.
 */
export class RecentBarVersions {
  private readonly versions = new Map<string, BarVersion>();

  constructor(private readonly maxBars: number) {
    if (!(Number.isSafeInteger(maxBars) && maxBars > 0)) throw new RangeError(`maxBars ${maxBars} must be a whole number > 0`);
  }

  /** Holds `bar` as its key's version and returns the one it replaces, when held. */
  replace(bar: RawBar): BarVersion | undefined {
    const key = `${bar.symbol}|${bar.timeframe}|${bar.eventTime}`;
    const old = this.versions.get(key);
    this.versions.delete(key);
    this.versions.set(key, barVersion(bar));
    if (this.versions.size > this.maxBars) this.versions.delete(this.versions.keys().next().value as string);
    return old;
  }

  get size(): number {
    return this.versions.size;
  }
}
