import type { OptionQuoteRecord } from '@md/contracts';
import type { RecordSink, Rejected } from '@md/ingest';

// An option chain snapshot job: each underlying's whole chain, now, onto md.options.chain.v1 keyed
// by OCC symbol (a snapshot is a point in time, so there is no date range and no checkpoint; a
// rerun publishes a newer snapshot). One chain is held at a time (the client bounds its size) and
// published in awaited batches.

/** Where chains come from (AlpacaOptionsClient). */
export interface OptionChainSource {
  readonly provider: string;
  chain(
    query: { underlying: string; expiryFrom?: string; expiryTo?: string; type?: 'call' | 'put'; snapshotTime?: number },
    signal?: AbortSignal,
  ): Promise<{ quotes: OptionQuoteRecord[]; rejected: Rejected[]; snapshotTime: number }>;
}

export interface OptionsChainJob {
  underlyings: readonly string[];
  /** Expirations, YYYY-MM-DD inclusive. */
  expiryFrom?: string;
  expiryTo?: string;
  type?: 'call' | 'put';
  /** UTC micros; default each chain's latest quote or trade. */
  snapshotTime?: number;
  /** Records per publish. Default 1000. */
  batchSize?: number;
}

export interface OptionsChainProgress {
  /** The underlying just published; null for the first report. */
  underlying: string | null;
  chainsDone: number;
  chainsTotal: number;
  quotes: number;
  /** Of `quotes`: greeks from the provider, and computed here (Black-Scholes-Merton). */
  providerGreeks: number;
  computedGreeks: number;
  rejected: number;
}

export interface OptionsChainResult extends Omit<OptionsChainProgress, 'underlying'> {
  aborted: boolean;
  elapsedMs: number;
}

export async function runOptionsChainBackfill(
  job: OptionsChainJob, source: OptionChainSource, sink: RecordSink,
  options: { onProgress?: (p: OptionsChainProgress) => void; signal?: AbortSignal } = {},
): Promise<OptionsChainResult> {
  const began = Date.now();
  const batchSize = job.batchSize ?? 1000;
  const underlyings = [...new Set(job.underlyings.map((u) => u.trim().toUpperCase()).filter(Boolean))];
  const progress: OptionsChainProgress = { underlying: null, chainsDone: 0, chainsTotal: underlyings.length, quotes: 0, providerGreeks: 0, computedGreeks: 0, rejected: 0 };
  options.onProgress?.({ ...progress });
  const result = (aborted: boolean) => ({ ...progress, aborted, elapsedMs: Date.now() - began });
  try {
    for (const underlying of underlyings) {
      options.signal?.throwIfAborted();
      const chain = await source.chain({ underlying, expiryFrom: job.expiryFrom, expiryTo: job.expiryTo, type: job.type, snapshotTime: job.snapshotTime }, options.signal);
      for (const rejected of chain.rejected) await sink.reject(rejected);
      for (let i = 0; i < chain.quotes.length; i += batchSize) {
        await sink.publish(chain.quotes.slice(i, i + batchSize).map((value) => ({ kind: 'option_quote' as const, value })));
      }
      const count = (source: OptionQuoteRecord['greeksSource']) => chain.quotes.filter((q) => q.greeksSource === source).length;
      Object.assign(progress, {
        underlying, chainsDone: progress.chainsDone + 1, quotes: progress.quotes + chain.quotes.length, rejected: progress.rejected + chain.rejected.length,
        providerGreeks: progress.providerGreeks + count('provider'), computedGreeks: progress.computedGreeks + count('computed'),
      });
      options.onProgress?.({ ...progress });
    }
  } catch (err) {
    if (options.signal?.aborted) return result(true);
    throw err;
  }
  return result(false);
}
