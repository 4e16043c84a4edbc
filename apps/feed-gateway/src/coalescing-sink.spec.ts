import type { RawBar } from '@md/domain';
import { CoalescingSink } from './coalescing-sink';
import { MemorySink, type CanonicalRecord } from './providers/provider';

const bar = (eventTime: number): CanonicalRecord => ({ kind: 'bar', value: { symbol: 'X', eventTime } as RawBar });

class SlowSink extends MemorySink {
  readonly calls: number[] = [];
  fail = false;
  override async publish(records: readonly CanonicalRecord[]): Promise<void> {
    this.calls.push(records.length);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.fail) throw new Error('broker down');
    await super.publish(records);
  }
}

describe('CoalescingSink', () => {
  it('sends concurrent publishes together, in order, and resolves each after its records are in', async () => {
    const inner = new SlowSink();
    const sink = new CoalescingSink(inner);
    await Promise.all(Array.from({ length: 10 }, (_, i) => sink.publish([bar(i)])));
    expect(inner.calls).toEqual([1, 9]); // the first goes alone, the nine that queued behind it go as one
    expect(inner.bars().map((b) => b.eventTime)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('bounds a request by maxRecords', async () => {
    const inner = new SlowSink();
    const sink = new CoalescingSink(inner, 3);
    await Promise.all(Array.from({ length: 7 }, (_, i) => sink.publish([bar(i)])));
    expect(inner.calls).toEqual([1, 3, 3]);
  });

  it('rejects every caller of a failed request', async () => {
    const inner = new SlowSink();
    inner.fail = true;
    const sink = new CoalescingSink(inner);
    const results = await Promise.allSettled([sink.publish([bar(1)]), sink.publish([bar(2)])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
