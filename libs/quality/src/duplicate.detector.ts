import { type RawBar, timeframeMicros } from '@md/contracts';
import { newIssue, type QualityIssue, type QualityStream } from './quality-issue';

// Duplicates of raw input: the same (eventTime, provider) again at the same revision. Identical
// content is an info-level duplicate (the sink's revision rule drops it); different content at
// the same revision is a conflict the sink cannot resolve, so a warning. Each key is reported
// once. A higher revision is a correction (DESIGN.md: corrections are new records) and only
// counted; a lower one is a stale replay and only counted.
//
// A re-delivered record cannot be told from a re-sent one, so this relies on the service
// committing this state with its input offsets (a committed bar is never fed again).

export interface DuplicateConfig {
  /** Keys are remembered for this many bar widths behind the newest bar; older bars are not judged. */
  horizonBars: number;
}

export const DEFAULT_DUPLICATE_CONFIG: DuplicateConfig = { horizonBars: 2880 };

/** [eventTime, provider, revision, content hash, reported 0|1], oldest first. */
export type SeenBar = [number, string, number, number, 0 | 1];

export interface DuplicateCounts {
  duplicates: number;
  conflicts: number;
  corrections: number;
  staleRevisions: number;
}

export interface DuplicateState {
  newestEventUs: number | null;
  seen: SeenBar[];
  counts: DuplicateCounts;
}

/** 32-bit FNV-1a (Fowler-Noll-Vo, draft-eastlake-fnv): a compact fingerprint of a bar's content. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function contentHash(bar: RawBar): number {
  return fnv1a([bar.open, bar.high, bar.low, bar.close, bar.volume, bar.tradeCount, bar.vwap].join('|'));
}

export class DuplicateDetector {
  private readonly config: DuplicateConfig;
  private newestEventUs: number | null;
  private readonly seen = new Map<string, SeenBar>();
  private readonly tally: DuplicateCounts;

  constructor(private readonly stream: QualityStream, config: Partial<DuplicateConfig> = {}, state?: DuplicateState) {
    this.config = { ...DEFAULT_DUPLICATE_CONFIG, ...config };
    this.newestEventUs = state?.newestEventUs ?? null;
    this.tally = { duplicates: 0, conflicts: 0, corrections: 0, staleRevisions: 0, ...state?.counts };
    for (const entry of state?.seen ?? []) this.seen.set(`${entry[0]}|${entry[1]}`, [...entry]);
  }

  static fromJSON(stream: QualityStream, state: DuplicateState, config: Partial<DuplicateConfig> = {}): DuplicateDetector {
    return new DuplicateDetector(stream, config, state);
  }

  toJSON(): DuplicateState {
    return { newestEventUs: this.newestEventUs, seen: [...this.seen.values()].map((e) => [...e] as SeenBar), counts: { ...this.tally } };
  }

  counts(): DuplicateCounts {
    return { ...this.tally };
  }

  observe(bar: RawBar): QualityIssue[] {
    if (bar.eventTime < this.cutoff()) return []; // beyond memory: cannot be judged
    const key = `${bar.eventTime}|${bar.provider}`;
    const hash = contentHash(bar);
    const entry = this.seen.get(key);
    if (!entry) {
      this.remember(key, [bar.eventTime, bar.provider, bar.revision, hash, 0]);
      return [];
    }
    if (bar.revision > entry[2]) {
      this.tally.corrections++;
      entry[2] = bar.revision;
      entry[3] = hash;
      return [];
    }
    if (bar.revision < entry[2]) {
      this.tally.staleRevisions++;
      return [];
    }
    return this.repeat(bar, entry, hash === entry[3]);
  }

  private repeat(bar: RawBar, entry: SeenBar, identical: boolean): QualityIssue[] {
    if (identical) this.tally.duplicates++;
    else this.tally.conflicts++;
    if (entry[4] === 1) return [];
    entry[4] = 1;
    return [newIssue(this.stream, {
      type: 'duplicate', severity: identical ? 'info' : 'warning',
      windowStartUs: bar.eventTime, windowEndUs: bar.eventTime + timeframeMicros(this.stream.timeframe),
      evidence: { provider: bar.provider, revision: bar.revision, identicalContent: identical },
    })];
  }

  private cutoff(): number {
    return this.newestEventUs === null ? -Infinity : this.newestEventUs - this.config.horizonBars * timeframeMicros(this.stream.timeframe);
  }

  private remember(key: string, entry: SeenBar): void {
    this.seen.set(key, entry);
    this.newestEventUs = Math.max(this.newestEventUs ?? entry[0], entry[0]);
    const cutoff = this.cutoff();
    // Insertion order is close to time order; the count bound covers a few late arrivals.
    for (const [k, e] of this.seen) {
      if (e[0] >= cutoff && this.seen.size <= 4 * this.config.horizonBars) break;
      this.seen.delete(k);
    }
  }
}
