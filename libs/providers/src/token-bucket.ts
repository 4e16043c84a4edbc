// A token bucket for a provider's request budget (Alpaca: 200 requests a minute on the basic
// plan, "429 Too Many Requests" beyond it; docs.alpaca.markets "Usage limit"). Pure: the clock
// is injected and nothing sleeps here; `take` says how long the caller must wait.

/** A plan's budget: at most `requests` in any `perMs` milliseconds, of which `burst` may go at once. */
export interface RequestBudget {
  requests: number;
  perMs: number;
  burst: number;
}

export const ALPACA_BASIC_BUDGET: RequestBudget = { requests: 200, perMs: 60_000, burst: 10 };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private notBefore = 0;

  /**
   * @param capacity tokens that may be taken at once (the burst), at least 1
   * @param refillPerMs tokens added per millisecond, up to `capacity`
   * @param now milliseconds clock: Date.now in production, a fake in tests
   */
  constructor(
    readonly capacity: number,
    readonly refillPerMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(capacity >= 1) || !(refillPerMs > 0)) throw new RangeError('a token bucket needs capacity >= 1 and a positive refill rate');
    this.tokens = capacity;
    this.updatedAt = now();
  }

  /**
   * Sized so no window of `perMs` grants more than `requests`: a window gets at most the full
   * bucket plus its refill, burst + (requests - burst).
   */
  static forBudget(budget: RequestBudget, now: () => number = Date.now): TokenBucket {
    if (budget.burst >= budget.requests) throw new RangeError('burst must be smaller than the budget');
    return new TokenBucket(budget.burst, (budget.requests - budget.burst) / budget.perMs, now);
  }

  /** Takes a token and returns 0, or takes nothing and returns the milliseconds to wait before asking again. */
  take(): number {
    const now = this.now();
    if (now < this.notBefore) return this.notBefore - now;
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerMs));
  }

  /**
   * The server said "not before" (Retry-After, or X-RateLimit-Reset with none remaining):
   * grant nothing until then. Only grants are withheld, so the window bound still holds.
   */
  pauseUntil(epochMs: number): void {
    this.notBefore = Math.max(this.notBefore, epochMs);
  }

  private refill(now: number): void {
    if (now <= this.updatedAt) return;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.refillPerMs);
    this.updatedAt = now;
  }
}

/**
 * When the server allows the next request, from a 429's headers, or undefined when it did
 * not say. Retry-After is delay-seconds or an HTTP-date (RFC 9110 section 10.2.3) and wins;
 * else X-RateLimit-Reset, "the UNIX epoch when the remaining quota changes" (Alpaca, in seconds).
 */
export function serverRetryAt(headers: { retryAfter?: string | null; rateLimitReset?: string | null }, nowMs: number): number | undefined {
  const retryAfter = headers.retryAfter?.trim();
  if (retryAfter && /^\d+$/.test(retryAfter)) return nowMs + Number(retryAfter) * 1000;
  if (retryAfter && !Number.isNaN(Date.parse(retryAfter))) return Date.parse(retryAfter);
  const reset = headers.rateLimitReset?.trim();
  if (reset && /^\d+$/.test(reset)) return Number(reset) * 1000;
  return undefined;
}
