import type { RawBar } from '@md/contracts';
import { CoalescingSink } from './coalescing-sink';
import { MemorySink, type CanonicalRecord } from './record-sink';

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
  it('sends the publishes of one task as one request, and those made while it is in flight as the next, in order', async () => {
    const inner = new SlowSink();
    const sink = new CoalescingSink(inner);
    const first = Array.from({ length: 10 }, (_, i) => sink.publish([bar(i)]));
    await Promise.resolve(); // the request has started: these queue behind it
    const second = Array.from({ length: 5 }, (_, i) => sink.publish([bar(10 + i)]));
    await Promise.all([...first, ...second]);
    expect(inner.calls).toEqual([10, 5]);
    expect(inner.bars().map((b) => b.eventTime)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('resolves a publish only after its own records are in', async () => {
    const inner = new SlowSink();
    const sink = new CoalescingSink(inner);
    let resolved = false;
    const done = sink.publish([bar(1)]).then(() => (resolved = true));
    await Promise.resolve();
    expect(inner.calls).toEqual([1]);
    expect(resolved).toBe(false);
    expect(inner.bars()).toEqual([]);
    await done;
    expect(inner.bars().map((b) => b.eventTime)).toEqual([1]);
  });

  it('bounds a request by maxRecords', async () => {
    const inner = new SlowSink();
    const sink = new CoalescingSink(inner, 3);
    await Promise.all(Array.from({ length: 7 }, (_, i) => sink.publish([bar(i)])));
    expect(inner.calls).toEqual([3, 3, 1]);
  });

  it('rejects every caller of a failed request', async () => {
    const inner = new SlowSink();
    inner.fail = true;
    const sink = new CoalescingSink(inner);
    const results = await Promise.allSettled([sink.publish([bar(1)]), sink.publish([bar(2)])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
