import { Logger } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import type { OptionQuoteRecord } from '@md/contracts';
import { MICROS_PER_MS } from '@md/market';
import { parseOptionChainCsv, type ChainSnapshotOptions } from '@md/options';
import { asCheckpointed, type CanonicalRecord, type JobSink, type StreamingConnector } from '@md/ingest';

// Publishes an option chain snapshot file (Yahoo-style CSV, e.g. fixtures/options) on
// md.options.chain.v1, one record per contract keyed by OCC symbol. Parsing and greeks are
// libs/options/src/chain-snapshot.ts; this only reads, batches and hands to the sink. With a
// checkpointed sink the rejected rows' dead letters commit with the first batch and each batch with
// the count of contracts it reaches; a restart parses the file again (a few MB) and skips those.

/** How far a snapshot got: contracts committed (the rejected rows commit with the first batch). */
export interface ChainSnapshotPosition {
  quotes: number;
}

/** A chain of every US listed option is ~1.5M rows, ~200 MB; a snapshot file is far smaller. */
export const MAX_CHAIN_FILE_BYTES = 256 * 1024 * 1024;

export interface OptionsChainFileOptions {
  readonly file: string;
  /** Provider name written into each record. Default 'yahoo' (the shared file's columns are yfinance's). */
  readonly provider?: string;
  /** Continuously compounded risk-free rate per year, from configuration (0.053 = 5.3%). */
  readonly riskFreeRate: number;
  /** Continuous dividend yield per underlying; absent means 0. */
  readonly dividendYields?: Readonly<Record<string, number>>;
  /** When the snapshot was taken, UTC micros; default: the latest last-trade time in the file. */
  readonly snapshotTime?: number;
  /** Records per publish; each publish is awaited (back-pressure). Default 1000. */
  readonly batchSize?: number;
  /** Epoch ms for ingest times; injected in tests. */
  readonly now?: () => number;
}

// Compile-time check that the domain's quote and the topic's record are the same shape.
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const QUOTE_IS_RECORD: SameShape<OptionQuoteRecord, OptionQuoteRecord> = true;
void QUOTE_IS_RECORD;

async function readBounded(file: string): Promise<string> {
  const { size } = await stat(file);
  if (size > MAX_CHAIN_FILE_BYTES) throw new Error(`${file} is ${size} bytes, over the ${MAX_CHAIN_FILE_BYTES}-byte bound of a chain snapshot`);
  return readFile(file, 'utf8');
}

export class OptionsChainFileConnector implements StreamingConnector {
  private readonly logger = new Logger(OptionsChainFileConnector.name);
  readonly provider: string;
  readonly summary = { published: 0, rejected: 0 };
  private stopping = false;

  constructor(private readonly options: OptionsChainFileOptions) {
    this.provider = options.provider ?? 'yahoo';
  }

  /** Publishes the whole file (rejected rows go to sink.reject); resolves when done or stopped. */
  async start(jobSink: JobSink<ChainSnapshotPosition>): Promise<void> {
    const { file, batchSize = 1000, now = Date.now } = this.options;
    const sink = asCheckpointed(jobSink);
    const parseOptions: ChainSnapshotOptions = { ...this.options, provider: this.provider, ingestTime: now() * MICROS_PER_MS };
    const { quotes, rejected } = parseOptionChainCsv(await readBounded(file), parseOptions, file);
    const resumeAt = sink.resumeAt?.quotes;
    if (resumeAt === undefined) {
      for (const r of rejected) await sink.reject({ payload: r.raw, reason: r.reason, source: `${file}:${r.line}` });
      this.summary.rejected += rejected.length;
      if (quotes.length === 0 && rejected.length > 0) await sink.publish([], { quotes: 0 });
    }
    for (let i = resumeAt ?? 0; i < quotes.length && !this.stopping; i += batchSize) {
      const batch: CanonicalRecord[] = quotes.slice(i, i + batchSize).map((value: OptionQuoteRecord) => ({ kind: 'option_quote', value }));
      await sink.publish(batch, { quotes: i + batch.length });
      this.summary.published += batch.length;
    }
    this.logger.log(`${file}: ${this.summary.published} option quotes published, ${this.summary.rejected} rejected`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
  }

  /** Whether the last start published the whole snapshot. */
  finished(): boolean {
    return !this.stopping;
  }
}
