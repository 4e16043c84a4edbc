import type { KafkaMessage } from 'kafkajs';

/**
 * The input positions this process's own transactions committed, per topic-partition: a floor
 * for what the consumer may hand it again.
 *
 * A transaction's offsets (TxnOffsetCommit, KIP-98) become visible in the group only when the
 * coordinator has written its commit markers, which happens after EndTxn has been answered. A
 * consumer that rejoins in that window (a coordinator moved by a broker loss, kafkajs restarting
 * its consumer) fetches the previous offset and is handed the committed chunk again; committing
 * it again would publish it twice. KIP-447 closes that window (OffsetFetch require_stable);
 * kafkajs 2.2.4 has no KIP-447, so the stage skips, below the floor, what it knows it committed.
 * Only this process's commits set a floor: at start there is none, so `mdctl rewind` (which moves
 * the group's offsets back while no instance runs) is honoured.
 */
export class CommittedPositions {
  private readonly next = new Map<string, bigint>();
  private readonly changelog = new Map<number, bigint>();

  /** After a commit: `nextOffset` of topic/partition is the first offset not yet processed. */
  committed(topic: string, partition: number, nextOffset: string): void {
    this.next.set(`${topic}/${partition}`, BigInt(nextOffset));
  }

  /** The messages at or above the floor; the others were committed by this process already. */
  unprocessed(topic: string, partition: number, messages: KafkaMessage[]): KafkaMessage[] {
    const floor = this.next.get(`${topic}/${partition}`);
    return floor === undefined ? messages : messages.filter((m) => BigInt(m.offset) >= floor);
  }

  /**
   * After a commit: the changelog offset its state records start at, per changelog partition. A
   * restore must not read the changelog before its last stable offset has passed it (the same
   * marker delay: a read_committed end taken earlier leaves the commit's state out).
   */
  changelogCommitted(partition: number, baseOffset: string): void {
    const offset = BigInt(baseOffset);
    if (offset > (this.changelog.get(partition) ?? -1n)) this.changelog.set(partition, offset);
  }

  /** Whether every changelog partition's stable end (read_committed end offsets) covers this process's commits. */
  changelogStable(stableEnds: ReadonlyMap<number, string>): boolean {
    return [...this.changelog].every(([partition, offset]) => BigInt(stableEnds.get(partition) ?? '0') > offset);
  }
}
