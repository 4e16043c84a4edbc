// What the Polygon stream backfills after a disconnect (issue #5, "Gap backfill"): the minute
// aggregates of its AM channels over [last minute seen live, now). AM events arrive per symbol,
// so after a drop one symbol's minute can be in while another's is not: the window starts a minute
// before the newest bar seen (overlaps are harmless, the pipeline dedups).

const MINUTE_US = 60_000_000;

/** Symbols of the AM (minute aggregate) channels. `AM.*` names none: REST cannot list "all" and is left out. */
export function minuteBarSymbols(channels: readonly string[]): string[] {
  const symbols = channels.filter((c) => c.startsWith('AM.')).map((c) => c.slice(3)).filter((s) => s !== '*');
  return [...new Set(symbols)];
}

export interface GapInputs {
  /** Start of the newest minute bar received live, UTC micros; undefined if none came yet. */
  lastLiveBarUs?: number;
  /** When the first session was subscribed, UTC micros: nothing before it was ever ours to miss. */
  coveredSinceUs?: number;
  nowUs: number;
  /** Longest window one backfill asks for. */
  maxBackfillMs: number;
}

/** [fromUs, toUs) to fetch after a reconnect, or undefined when there is nothing to fetch. */
export function gapWindow(g: GapInputs): { fromUs: number; toUs: number } | undefined {
  const since = g.lastLiveBarUs !== undefined ? g.lastLiveBarUs - MINUTE_US : g.coveredSinceUs;
  if (since === undefined) return undefined;
  const fromUs = Math.max(Math.floor(since / MINUTE_US) * MINUTE_US, g.nowUs - g.maxBackfillMs * 1000);
  return fromUs < g.nowUs ? { fromUs, toUs: g.nowUs } : undefined;
}
