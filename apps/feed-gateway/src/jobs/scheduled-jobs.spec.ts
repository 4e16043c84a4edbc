import type { OptionQuoteRecord } from '@md/contracts';
import { MemorySink } from '@md/ingest';
import type { OptionChainSource } from '../backfill/options-chain.job';
import { corporateActionsWindow, snapshotChains } from './scheduled-jobs';

describe('corporateActionsWindow', () => {
  it('covers ex-dates from the lookback to the lookahead, in New York dates', () => {
    // 02:00 UTC on the 10th is still the 9th in New York.
    expect(corporateActionsWindow(Date.parse('2025-03-10T02:00:00Z'), 7, 3)).toEqual({ fromDate: '2025-03-02', toDate: '2025-03-13' });
  });
});

describe('snapshotChains', () => {
  /** Chains resolved by hand, so the test sees how many are in flight. */
  function source(fail: string[] = []) {
    let inFlight = 0;
    let maxInFlight = 0;
    const chain: OptionChainSource = {
      provider: 'alpaca',
      chain: async ({ underlying }) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        if (fail.includes(underlying)) throw new Error('404 not found');
        return { quotes: [{ underlying, greeksSource: 'provider' } as unknown as OptionQuoteRecord], rejected: [], snapshotTime: 1 };
      },
    };
    return { chain, maxInFlight: () => maxInFlight };
  }
  const universe = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];

  it('snapshots every underlying, at most `concurrency` at a time', async () => {
    const s = source();
    const sink = new MemorySink();
    await expect(snapshotChains(universe, s.chain, sink, 3, new AbortController().signal)).resolves.toEqual({ records: 7 });
    expect(s.maxInFlight()).toBe(3);
    expect(sink.records.map((r) => (r.value as OptionQuoteRecord).underlying).sort()).toEqual(universe);
  });

  it('finishes the others when a chain fails, then fails naming it', async () => {
    const sink = new MemorySink();
    await expect(snapshotChains(universe, source(['C']).chain, sink, 2, new AbortController().signal)).rejects.toThrow('1 of 7 chains failed: C: 404 not found');
    expect(sink.records).toHaveLength(6);
  });
});
