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

  /** After a commit: `nextOffset` of topic/partition is the first offset not yet processed. */
  committed(topic: string, partition: number, nextOffset: string): void {
    this.next.set(`${topic}/${partition}`, BigInt(nextOffset));
  }

  /** The messages at or above the floor; the others were committed by this process already. */
  unprocessed(topic: string, partition: number, messages: KafkaMessage[]): KafkaMessage[] {
    const floor = this.next.get(`${topic}/${partition}`);
    return floor === undefined ? messages : messages.filter((m) => BigInt(m.offset) >= floor);
  }
}
