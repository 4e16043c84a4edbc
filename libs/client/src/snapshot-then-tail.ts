import { randomUUID } from 'node:crypto';
import { RecordDecoder } from './codec';
import { kafkaOf, type BrokerOptions, type RegistryOptions } from './connection';
import { latestPerKey, naturalKey } from './dedupe';
import type { Bar } from './records';
import { subscribe, type Subscription } from './subscribe';

export interface SnapshotThenTailOptions extends BrokerOptions {
  registryUrl: string | RegistryOptions;
  /** The timescale-writer's read API, e.g. http://127.0.0.1:3005. */
  readApiUrl: string;
  /** Bearer token for the read API, when it asks for one. */
  token?: string;
  symbol: string;
  timeframe?: string;
  /** First bar start wanted. */
  from: Date;
  /** Rows per snapshot request (at most the API's MAX_QUERY_ROWS). */
  pageSize?: number;
  /** Ends the tail (the iteration then finishes normally). */
  signal?: AbortSignal;
}

/** A bar and where it came from: the stored snapshot, or the live topic after it. */
export interface SnapshotBar {
  source: 'snapshot' | 'tail';
  bar: Bar;
}

interface SnapshotPage {
  offsets: Array<{ partition: number; offset: string }>;
  truncated: boolean;
  bars: Array<Omit<Bar, 'eventTime' | 'ingestTime' | 'eventTimeMicros' | 'ingestTimeMicros'> & { eventTime: number; ingestTime: number }>;
}

const TOPIC = 'md.bars.v1';

/**
 * The stored history of one symbol's bars, then the live md.bars.v1 from exactly where that
 * history ends: no gap, no duplicate. The writer records, in the transaction that stores a
 * chunk, the topic offsets the chunk covers; the read API returns them with the rows, read in one
 * snapshot (GET /v1/bars/snapshot). The tail starts each partition at its offset, and every
 * record passes latestPerKey: one already in the snapshot (a later page read past the first
 * page's offsets, a replay re-emitting it) is dropped, a correction at a higher revision passes.
 * A partition whose records before that offset are gone (retention) ends the iteration with an
 * error instead of silently skipping them.
 */
export async function* snapshotThenTail(options: SnapshotThenTailOptions): AsyncGenerator<SnapshotBar> {
  const timeframe = options.timeframe ?? '1m';
  const seen = latestPerKey<Bar>(naturalKey);
  const first = await snapshotPage(options, timeframe, options.from);
  let page = first;
  for (;;) {
    for (const row of page.bars) {
      const bar = barOf(row);
      if (seen.accept(bar)) yield { source: 'snapshot', bar };
    }
    if (!page.truncated || page.bars.length === 0) break;
    page = await snapshotPage(options, timeframe, new Date(Math.floor(page.bars[page.bars.length - 1].eventTime / 1000) + 1));
  }
  if (options.signal?.aborted) return;
  const tail: Subscription<Bar> = subscribe({
    ...options, topics: [TOPIC], groupId: `md-client-tail-${randomUUID()}`, commit: false, decoder: new RecordDecoder(options.registryUrl),
    from: await tailStart(options, first.offsets),
    // Bars are keyed by symbol (DESIGN.md, Topics): skip other symbols without decoding them.
    acceptKey: (key) => key === options.symbol,
  });
  const stop = () => void tail.close();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const record of tail) {
      const bar = record.value;
      if (bar.symbol !== options.symbol || bar.timeframe !== timeframe || bar.eventTime < options.from) continue;
      if (seen.accept(bar)) yield { source: 'tail', bar };
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await tail.close();
  }
}

/** Each partition's start: the snapshot's offset, or the log start where the writer has stored nothing yet. */
async function tailStart(options: SnapshotThenTailOptions, marks: SnapshotPage['offsets']): Promise<Record<number, string>> {
  const admin = kafkaOf(options).admin();
  await admin.connect();
  try {
    const start: Record<number, string> = {};
    for (const p of await admin.fetchTopicOffsets(TOPIC)) {
      const mark = marks.find((m) => m.partition === p.partition)?.offset ?? p.low;
      if (BigInt(mark) < BigInt(p.low)) {
        throw new Error(`${TOPIC}/${p.partition}: records ${mark}..${BigInt(p.low) - 1n} after the snapshot are gone (retention); re-read a newer snapshot`);
      }
      start[p.partition] = mark;
    }
    return start;
  } finally {
    await admin.disconnect();
  }
}

async function snapshotPage(options: SnapshotThenTailOptions, timeframe: string, from: Date): Promise<SnapshotPage> {
  const url = new URL('/v1/bars/snapshot', options.readApiUrl);
  url.search = new URLSearchParams({ symbol: options.symbol, timeframe, from: from.toISOString(), limit: String(options.pageSize ?? 10_000) }).toString();
  const response = await fetch(url, { headers: options.token ? { authorization: `Bearer ${options.token}` } : {} });
  if (!response.ok) throw new Error(`read API ${url.pathname} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as SnapshotPage;
}

function barOf(row: SnapshotPage['bars'][number]): Bar {
  return {
    ...row,
    eventTime: new Date(Math.floor(row.eventTime / 1000)), eventTimeMicros: row.eventTime,
    ingestTime: new Date(Math.floor(row.ingestTime / 1000)), ingestTimeMicros: row.ingestTime,
  } as Bar;
}
