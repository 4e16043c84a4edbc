import type { RawBar } from '@md/contracts';
import type { CanonicalRecord, RecordSink, Rejected } from './record-sink';

// A sink for a job with a finite input (a file, a REST history) that must survive a kill -9
// without losing or repeating records: each publish carries the job's position after those
// records, and the records, the dead letters of the rows rejected since the last publish and the
// position commit together (KafkaJobSink: one Kafka transaction, KIP-98). A restarted job starts
// at `resumeAt`, the position of the last committed publish, and skips what is before it.

export interface CheckpointedSink<P> {
  /** Brand: tells a checkpointed sink from a plain RecordSink (asCheckpointed). */
  readonly checkpointed: true;
  /** Where this run's committed publishes reached; undefined: start at the beginning. */
  readonly resumeAt: P | undefined;
  /**
   * Publishes `records`, the dead letters held since the last publish, and the job's `position`
   * after them, atomically; resolves when committed. `records` may be empty (a batch of rejected
   * rows, a position to keep). Awaited before reading on: one batch in hand at a time.
   */
  publish(records: readonly CanonicalRecord[], position: P): Promise<void>;
  /** Held until the next publish, so a row's dead letter commits with the position past it. */
  reject(rejected: Rejected): Promise<void>;
}

/** What a job connector accepts: a checkpointed sink, or a plain one (tests, demos) that never resumes. */
export type JobSink<P> = RecordSink | CheckpointedSink<P>;

export function isCheckpointed<P>(sink: JobSink<P>): sink is CheckpointedSink<P> {
  return (sink as Partial<CheckpointedSink<P>>).checkpointed === true;
}

/** A plain RecordSink as a checkpointed one that starts at the beginning and keeps no position. */
export function asCheckpointed<P>(sink: JobSink<P>): CheckpointedSink<P> {
  if (isCheckpointed(sink)) return sink;
  return {
    checkpointed: true,
    resumeAt: undefined,
    publish: (records) => (records.length ? sink.publish(records) : Promise.resolve()),
    reject: (rejected) => sink.reject(rejected),
  };
}

/**
 * A checkpointed sink in memory, for tests: what a read_committed consumer would see. `restart()`
 * is a restarted job after a crash: the committed records stay, the dead letters not yet
 * committed are lost (as an open transaction is aborted), and it resumes at the last position.
 */
export class MemoryCheckpointedSink<P> implements CheckpointedSink<P> {
  readonly checkpointed = true;
  readonly positions: P[] = [];
  private held: Rejected[] = [];

  constructor(
    readonly resumeAt: P | undefined = undefined,
    readonly records: CanonicalRecord[] = [],
    readonly rejected: Rejected[] = [],
  ) {}

  async publish(records: readonly CanonicalRecord[], position: P): Promise<void> {
    this.records.push(...records);
    this.rejected.push(...this.held);
    this.held = [];
    this.positions.push(position);
  }

  async reject(rejected: Rejected): Promise<void> {
    this.held.push(rejected);
  }

  restart(): MemoryCheckpointedSink<P> {
    return new MemoryCheckpointedSink(this.positions.at(-1) ?? this.resumeAt, this.records, this.rejected);
  }

  bars(): RawBar[] {
    return this.records.flatMap((r) => (r.kind === 'bar' ? [r.value] : []));
  }
}
