import { randomUUID } from 'node:crypto';
import { latestPerKey, naturalKey, snapshotThenTail, subscribe, type Bar, type MdRecord, type SnapshotBar } from '@md-platform/client';
import type { TailConfig } from './tail-config';

/** The platform's bar topic (schemas/md.bars.v1.avsc); key: symbol. */
export const BARS_TOPIC = 'md.bars.v1';

/**
 * The symbol's stored bars (from the timescale-writer's read API), then its live bars from
 * md.bars.v1 starting exactly where the stored ones end: each bar once, in time order, until
 * `signal` aborts.
 */
export function historyThenLive(config: TailConfig, signal?: AbortSignal): AsyncGenerator<SnapshotBar> {
  return snapshotThenTail({
    brokers: config.brokers, registryUrl: config.registryUrl, readApiUrl: config.readApiUrl, token: config.token,
    symbol: config.symbol, timeframe: config.timeframe, from: config.from, signal,
  });
}

/**
 * The symbol's bars on md.bars.v1 from the first record at or after `since` (by Kafka timestamp,
 * the time the platform published it; ListOffsets by timestamp, KIP-79), each bar once at its
 * latest version: a replay's duplicate or an older revision is dropped, a correction passes.
 * A throwaway group that commits nothing: this reader starts from `since` on every start. A
 * service that resumes where it stopped uses a stable groupId, `from: 'earliest'` and commits.
 */
export async function* barsSince(config: TailConfig, since: Date, signal?: AbortSignal): AsyncGenerator<MdRecord<Bar>> {
  const records = subscribe({
    brokers: config.brokers, registryUrl: config.registryUrl, topics: [BARS_TOPIC], groupId: `example-node-tail-${randomUUID()}`,
    from: since, commit: false,
    // Bars are keyed by symbol: other symbols are skipped before they are decoded.
    acceptKey: (key) => key === config.symbol,
  });
  // Bounded: a long-running tail forgets the oldest bars first (it will not see them again).
  const once = latestPerKey<Bar>(naturalKey, 100_000);
  const stop = () => void records.close();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const record of records) {
      if (record.value.timeframe !== config.timeframe) continue;
      if (once.accept(record.value)) yield record;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    await records.close();
  }
}

/** One line per bar: where it came from, start, OHLC as exact decimals, volume, revision. */
export function barLine(source: string, bar: Bar): string {
  return [source, bar.symbol, bar.timeframe, bar.eventTime.toISOString(), bar.open, bar.high, bar.low, bar.close, bar.volume, `r${bar.revision}`].join(' ');
}
