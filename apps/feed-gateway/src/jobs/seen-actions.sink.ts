import type { CorporateActionRecord } from '@md/contracts';
import type { CanonicalRecord, CheckpointedSink, RecordSink, Rejected } from '@md/ingest';

// Why the scheduled corporate-actions job needs this: the backfill job keeps no checkpoint
// (corporate-actions.job.ts) and md.corporate-actions.v1 is not compacted (libs/contracts
// topics.ts), so a daily re-fetch of an overlapping window would append every action again. This
// sink publishes only actions not already in its position, the set of action identities committed
// for the window, and commits that set with the records in one Kafka transaction (KafkaJobSink,
// KIP-98): a re-run, or a retry after a crash mid-publish, adds nothing twice. The identity is the
// action's content without ingestTime, so an action Alpaca amends (a new amount) is published
// again as a correction, never as a mutation.

export interface SeenActions {
  /** `symbol|exDate|kind|...` of each action committed whose ex-date is still in the window. */
  seen: string[];
}

/** Bounds the checkpoint message (~60 bytes each, well under Kafka's 1 MB message.max.bytes). */
export const MAX_SEEN_ACTIONS = 10_000;

export const actionIdentity = (a: CorporateActionRecord) =>
  [a.symbol, a.exDate, a.kind, a.ratioTo, a.ratioFrom, a.amount, a.referencePrice, a.revision].join('|');

export class SeenActionsSink implements RecordSink {
  private readonly seen: Set<string>;
  /** Actions this run published (those already seen are not counted). */
  published = 0;
  skipped = 0;

  /** `fromDate`: the window's first ex-date; identities before it are dropped from the position. */
  constructor(private readonly target: CheckpointedSink<SeenActions>, fromDate: string) {
    const exDateOf = (id: string) => id.split('|')[1];
    this.seen = new Set((target.resumeAt?.seen ?? []).filter((id) => exDateOf(id) >= fromDate));
  }

  async publish(records: readonly CanonicalRecord[]): Promise<void> {
    const fresh = records.filter((r) => r.kind !== 'corporate_action' || !this.seen.has(actionIdentity(r.value)));
    this.skipped += records.length - fresh.length;
    const added = fresh.flatMap((r) => (r.kind === 'corporate_action' ? [actionIdentity(r.value)] : []));
    if (this.seen.size + added.length > MAX_SEEN_ACTIONS) {
      throw new Error(`more than ${MAX_SEEN_ACTIONS} corporate actions in the scheduled window; shorten it or split the symbols`);
    }
    if (fresh.length === 0) return;
    const seen = [...this.seen, ...added];
    await this.target.publish(fresh, { seen });
    for (const id of added) this.seen.add(id);
    this.published += fresh.length;
  }

  reject(rejected: Rejected): Promise<void> {
    return this.target.reject(rejected);
  }

  /** Commits dead letters still held and the pruned position. */
  flush(): Promise<void> {
    return this.target.publish([], { seen: [...this.seen] });
  }
}
