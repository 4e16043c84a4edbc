// Provider time to Kafka acknowledgement of the last records a connector published, for its
// status (GET /v1/streams) and the stream bench (bench/src/stream-latency.ts), which reads it.
// Bounded: a ring of LATENCY_WINDOW doubles.

/** Recent latencies kept: 65,536 doubles (512 KiB), 13 s of a 5,000 messages/s stream. */
export const LATENCY_WINDOW = 65_536;

/** Percentiles in ms, at the wall clock's resolution (Date.now: 1 ms), of the last `records` (at most `window`). */
export interface PublishLatency {
  window: number;
  records: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export class LatencyWindow {
  private readonly latencies = new Float64Array(LATENCY_WINDOW);
  private count = 0;

  observe(ms: number): void {
    this.latencies[this.count++ % LATENCY_WINDOW] = ms;
  }

  /** Percentiles of what the window holds; null before any record. */
  summary(): PublishLatency | null {
    const records = Math.min(this.count, LATENCY_WINDOW);
    if (!records) return null;
    const sorted = this.latencies.slice(0, records).sort();
    const at = (q: number) => sorted[Math.min(records - 1, Math.floor(q * records))];
    return { window: LATENCY_WINDOW, records, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: sorted[records - 1] };
  }
}
