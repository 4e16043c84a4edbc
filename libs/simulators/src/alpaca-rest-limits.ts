// The answers an authorised request may get before its route runs: the plan's rate limit as the
// Market Data API reports it (X-RateLimit-Limit / -Remaining / -Reset, counted here over fixed
// windows; 429 over the limit) and the injected faults (429 every Nth or for a burst, 500 every Nth).

export interface AlpacaRestFaults {
  /** Answer every Nth authorised request with 429. */
  rateLimitEvery?: number;
  /** Answer every Nth authorised request with 500. */
  serverErrorEvery?: number;
  /** Wait this long before every answer (slow responses). */
  delayMs?: number;
  /** How an injected 429 says when to come back (default retry-after). */
  retryHint?: 'retry-after' | 'reset' | 'none';
  /** Seconds in the Retry-After of an injected 429 (default 1). */
  retryAfterSeconds?: number;
}

export interface AlpacaRateLimit {
  requests: number;
  windowMs: number;
  /** Answer 429 over the limit; otherwise the headers only count. */
  enforce: boolean;
}

/** What the request gets instead of its route's answer, if anything, and the rate-limit headers every answer carries. */
export interface Admission {
  status?: 429 | 500;
  headers: Record<string, string>;
}

export class AlpacaRestLimits {
  private readonly window = { startMs: 0, count: 0 };
  private authorised = 0;
  private burstUntil = 0;

  constructor(private readonly rateLimit: AlpacaRateLimit) {}

  /** Answers 429 to everything for `durationMs`, with Retry-After counting down. */
  startBurst(durationMs: number): void {
    this.burstUntil = Date.now() + durationMs;
  }

  /** Counts one authorised request and says whether it is refused. */
  admit(faults: AlpacaRestFaults): Admission {
    const n = ++this.authorised;
    const headers = this.rateHeaders(Date.now());
    const limited = this.limitedRetry(n, headers, faults);
    if (limited) return { status: 429, headers: { ...headers, ...limited } };
    if (faults.serverErrorEvery && n % faults.serverErrorEvery === 0) return { status: 500, headers };
    return { headers };
  }

  /** X-RateLimit-Limit / -Remaining / -Reset over fixed windows; also counts this request. */
  private rateHeaders(nowMs: number): Record<string, string> {
    const { requests, windowMs } = this.rateLimit;
    // A window opens with the first request after the previous one closed.
    if (nowMs >= this.window.startMs + windowMs) Object.assign(this.window, { startMs: nowMs, count: 0 });
    const { startMs } = this.window;
    this.window.count++;
    return {
      'x-ratelimit-limit': String(requests),
      'x-ratelimit-remaining': String(Math.max(0, requests - this.window.count)),
      'x-ratelimit-reset': String(Math.ceil((startMs + windowMs) / 1000)),
    };
  }

  /** The extra headers of a 429 when this request is refused, else undefined. */
  private limitedRetry(n: number, headers: Record<string, string>, faults: AlpacaRestFaults): Record<string, string> | undefined {
    const now = Date.now();
    if (now < this.burstUntil) return { 'retry-after': String(Math.ceil((this.burstUntil - now) / 1000)) };
    if (this.rateLimit.enforce && this.window.count > this.rateLimit.requests) return {};
    if (!faults.rateLimitEvery || n % faults.rateLimitEvery !== 0) return undefined;
    const seconds = faults.retryAfterSeconds ?? 1;
    const hint = faults.retryHint ?? 'retry-after';
    // 'none': no Retry-After and an empty reset, so the client must fall back to its own backoff.
    if (hint === 'none') return { 'x-ratelimit-reset': '' };
    if (hint === 'reset') return { 'x-ratelimit-reset': String(Math.ceil(now / 1000) + seconds) };
    return { 'retry-after': String(seconds), 'x-ratelimit-reset': headers['x-ratelimit-reset'] };
  }
}
