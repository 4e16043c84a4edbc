import { parseTime } from './parse-time';
import { UsageError } from './usage-error';

/** Where `replay --from` puts a group: a time, an absolute offset, or either end. */
export type StartPosition =
  | { kind: 'time'; ms: number }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'earliest' }
  | { kind: 'latest' };

/** `--from`: earliest, latest, a whole-number offset, or a time (parseTime's forms). */
export function parseStartPosition(text: string): StartPosition {
  const value = text.trim();
  if (value === 'earliest' || value === 'latest') return { kind: value };
  if (/^\d+$/.test(value)) return { kind: 'offset', offset: BigInt(value) };
  try {
    return { kind: 'time', ms: parseTime(value, '--from') };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; or give earliest, latest or a whole-number offset`);
  }
}

export interface PartitionRange {
  partition: number;
  low: bigint;
  high: bigint;
}

/**
 * The offset to commit per partition for an absolute offset: clamped into [low, high] so a
 * retention-deleted or not-yet-written offset does not trip auto.offset.reset to earliest.
 */
export function clampOffsets(ranges: readonly PartitionRange[], offset: bigint): Array<{ partition: number; offset: string }> {
  return ranges.map(({ partition, low, high }) => ({ partition, offset: String(offset < low ? low : offset > high ? high : offset) }));
}

export interface LagRow {
  group: string;
  topic: string;
  partition: number;
  end: bigint;
  /** null: the group has committed nothing on this partition. */
  committed: bigint | null;
  /** end − committed; null when nothing is committed. */
  lag: bigint | null;
}

/** Lag per partition: end offset minus committed (Kafka's kafka-consumer-groups definition). */
export function lagRows(group: string, topic: string, ends: ReadonlyMap<number, bigint>, committed: ReadonlyMap<number, bigint>): LagRow[] {
  return [...ends].sort(([a], [b]) => a - b).map(([partition, end]) => {
    const at = committed.get(partition);
    const c = at === undefined || at < 0n ? null : at;
    return { group, topic, partition, end, committed: c, lag: c === null ? null : end > c ? end - c : 0n };
  });
}

/**
 * `reprocess` only ever moves a group back: where the group has not yet read up to the target
 * (it lags behind `--from`), it keeps its committed offset, so no record is skipped unprocessed.
 */
export function noSkip(target: string, committed: string | undefined): string {
  if (committed === undefined || BigInt(committed) < 0n) return target;
  return BigInt(committed) < BigInt(target) ? committed : target;
}
