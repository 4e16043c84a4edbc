// Tells a quiet symbol from a dead feed (issue #5: "knows a quiet symbol from a dead socket").
// Pings prove the socket is alive (live-socket.ts); this proves data still flows. Data is expected
// only while the market session is open (the caller asks sessionAt), and the allowed silence scales
// with the recent message rate: a thin ETF that trades every twenty minutes is not a stalled feed,
// while a liquid list gone quiet for two minutes is. Used by the Alpaca and Polygon streams.

export interface DataTimeoutPolicy {
  /** Never declare the feed dead sooner than this. */
  minMs: number;
  /** Nor later than this, however thin the symbols. */
  maxMs: number;
  /** Allowed silence as a multiple of the mean gap between messages. */
  gapMultiple: number;
  /** Time constant of the exponentially weighted message rate. */
  rateWindowMs: number;
}

export class DataWatchdog {
  /** Messages per millisecond, exponentially weighted; kept across sessions. */
  private rate = 0;
  private lastDataAt = 0;
  private quietSince = 0;

  constructor(private readonly policy: DataTimeoutPolicy) {}

  data(atMs: number): void {
    this.rate = this.rate * Math.exp(-(atMs - this.lastDataAt) / this.policy.rateWindowMs) + 1 / this.policy.rateWindowMs;
    this.lastDataAt = atMs;
    this.quietSince = atMs;
  }

  /** Restarts the silence clock: a new session, or a tick outside the session (nothing expected then). */
  reset(atMs: number): void {
    this.quietSince = atMs;
  }

  timeoutMs(): number {
    const { minMs, maxMs, gapMultiple } = this.policy;
    return this.rate === 0 ? maxMs : Math.min(maxMs, Math.max(minMs, gapMultiple / this.rate));
  }

  expired(nowMs: number): boolean {
    return nowMs - this.quietSince > this.timeoutMs();
  }

  /**
   * One tick of a connector's watchdog timer: while no data is `expected` (market closed, or the
   * sink holding frames back) the silence clock restarts; otherwise the reason to end the session
   * when the silence outlasted the timeout, else undefined.
   */
  check(nowMs: number, expected: boolean): string | undefined {
    if (!expected) return void this.reset(nowMs);
    return this.expired(nowMs) ? `no data for ${this.timeoutMs()} ms while data is expected` : undefined;
  }
}
