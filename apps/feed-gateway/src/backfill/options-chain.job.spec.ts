import type { OptionQuoteRecord } from '@md/contracts';
import { AlpacaRestSimulator } from '@md/simulators';
import { AlpacaOptionsClient } from '../providers/alpaca/alpaca-options.client';
import { MemorySink, type CanonicalRecord } from '@md/ingest';
import { runOptionsChainBackfill, type OptionsChainProgress } from './options-chain.job';

const KEYS = { keyId: 'AKOCJOB', secretKey: 'oc-job-secret' };
const BAD = { latestQuote: { t: '2024-07-31T19:59:00Z', bp: -1, ap: 1 } };

describe('option chain backfill job', () => {
  let sim: AlpacaRestSimulator;
  let client: AlpacaOptionsClient;
  beforeEach(async () => {
    // The real file's chains, plus one underlying with a contract Alpaca could never send right.
    sim = await AlpacaRestSimulator.start({ ...KEYS, optionChains: { BAD: { BAD240816C00010000: BAD } } });
    client = new AlpacaOptionsClient({ ...KEYS, baseUrl: sim.url, feed: 'indicative', riskFreeRate: 0.053, budget: { requests: 1000, perMs: 1000, burst: 100 } });
  });
  afterEach(() => sim.stop());

  it('publishes each chain in bounded batches, keyed records only, and counts where greeks came from', async () => {
    const batches: number[] = [];
    const sink = new MemorySink();
    const publish = sink.publish.bind(sink);
    sink.publish = async (records: readonly CanonicalRecord[]) => {
      batches.push(records.length);
      await publish(records);
    };
    const progress: OptionsChainProgress[] = [];
    const result = await runOptionsChainBackfill({ underlyings: ['aapl', 'MSFT', 'BAD', 'AAPL'], batchSize: 40 }, client, sink, { onProgress: (p) => progress.push(p) });
    const quotes = sink.records.map((r) => r.value as OptionQuoteRecord);
    expect(sink.records.every((r) => r.kind === 'option_quote')).toBe(true);
    expect(progress.map((p) => p.underlying)).toEqual([null, 'AAPL', 'MSFT', 'BAD']);
    const aapl = quotes.filter((q) => q.underlying === 'AAPL').length;
    expect(batches.slice(0, 3)).toEqual([40, 40, aapl - 80]);
    expect(Math.max(...batches)).toBeLessThanOrEqual(40);
    expect(result).toMatchObject({ aborted: false, chainsDone: 3, chainsTotal: 3, quotes: quotes.length, rejected: 1, providerGreeks: 0 });
    expect(result.computedGreeks).toBe(quotes.filter((q) => q.greeksSource === 'computed').length);
    expect(sink.rejected).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^BAD240816C00010000: latestQuote.bp: Number must be greater than or equal to 0/) })]);
  });

  it('stops before the next chain when aborted', async () => {
    const abort = new AbortController();
    const sink = new MemorySink();
    const result = await runOptionsChainBackfill({ underlyings: ['AAPL', 'MSFT'] }, client, sink, { signal: abort.signal, onProgress: (p) => p.underlying && abort.abort() });
    expect(result).toMatchObject({ aborted: true, chainsDone: 1, chainsTotal: 2 });
    expect(new Set(sink.records.map((r) => (r.value as OptionQuoteRecord).underlying))).toEqual(new Set(['AAPL']));
  });
});
