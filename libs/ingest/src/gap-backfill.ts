import { microsToIso } from '@md/market';
import type { HistoricalBars, StreamLogger } from './connector';
import type { RecordSink } from './record-sink';

// Gap backfill (issue #5, Resilience): after a disconnect a streaming connector (Alpaca, Polygon)
// asks for the window it may have missed; the minute bars of that window come over REST and are
// published like live ones (overlaps are harmless: the preprocessor and the writer dedup by
// revision). Windows run one at a time; requests that come while one runs merge into a single
// queued window, so a flapping connection queues at most one more REST walk instead of one per
// reconnect (STYLE.md habit 10).

const MINUTE_US = 60_000_000;

export interface GapWindow {
  symbols: readonly string[];
  /** UTC epoch micros, [fromUs, toUs). */
  fromUs: number;
  toUs: number;
}

export interface GapBackfillReport {
  window: GapWindow;
  bars: number;
  /** Why the walk ended early (the gap stays; the quality monitor reports missing bars), or null. */
  error: string | null;
}

export interface GapBackfillOptions {
  logger: StreamLogger;
  /** After each window, whatever happened: for the connector's status and metrics. */
  onDone(report: GapBackfillReport): void;
}

/** The smallest window covering both (symbols of either). */
export function mergeGapWindows(a: GapWindow, b: GapWindow): GapWindow {
  return { symbols: [...new Set([...a.symbols, ...b.symbols])], fromUs: Math.min(a.fromUs, b.fromUs), toUs: Math.max(a.toUs, b.toUs) };
}

export class GapBackfill {
  private queued?: GapWindow;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly source: HistoricalBars, private readonly sink: RecordSink, private readonly options: GapBackfillOptions) {}

  /** Queues a window of 1-minute bars; returns at once (the walk runs in the background). */
  request(asked: GapWindow): void {
    // Finished minutes only: a REST bar is settled (it outranks the live one, settledRevision in
    // @md/market), so a partial bar of the running minute would outrank the complete live bar after it.
    const window = { ...asked, toUs: Math.floor(asked.toUs / MINUTE_US) * MINUTE_US };
    if (this.stopped || !window.symbols.length || window.fromUs >= window.toUs) return;
    this.queued = this.queued ? mergeGapWindows(this.queued, window) : window;
    this.running ??= this.drain();
  }

  /** Resolves when nothing runs or waits (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Drops the queued window and ends the running walk after its current page. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queued = undefined;
    await this.idle();
  }

  private async drain(): Promise<void> {
    try {
      for (let window = this.take(); window; window = this.take()) await this.walk(window);
    } finally {
      this.running = null;
    }
  }

  private take(): GapWindow | undefined {
    const window = this.queued;
    this.queued = undefined;
    return this.stopped ? undefined : window;
  }

  private async walk(window: GapWindow): Promise<void> {
    const names = window.symbols.length <= 5 ? window.symbols.join(',') : `${window.symbols.length} symbols`;
    const span = `${names} ${microsToIso(window.fromUs)}..${microsToIso(window.toUs)}`;
    let bars = 0;
    let error: string | null = null;
    try {
      for await (const page of this.source.bars(window.symbols, '1m', window.fromUs, window.toUs)) {
        if (page.length) await this.sink.publish(page.map((value) => ({ kind: 'bar' as const, value })));
        bars += page.length;
        if (this.stopped) break;
      }
      this.options.logger.log(`backfilled ${bars} bars of ${span}`);
    } catch (err) {
      error = (err as Error).message;
      this.options.logger.error(`backfill of ${span} failed after ${bars} bars: ${error}`);
    }
    this.options.onDone({ window, bars, error });
  }
}
