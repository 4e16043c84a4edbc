/**
 * Per-token request rate (issue 18: 429 over a per-token limit): a token bucket per name, holding
 * up to `burst` requests and refilled at `perSecond`. Pure: the clock is passed in. Buckets of
 * names no longer configured are dropped by `retain`, so the map stays as small as the tokens file.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly burst: number) {}

  /** Takes one request from `name`'s bucket: 0 when allowed, else the seconds until one is free. */
  take(name: string, perSecond: number, nowMs: number): number {
    const bucket = this.buckets.get(name) ?? { tokens: this.burst, at: nowMs };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * perSecond);
    bucket.at = nowMs;
    this.buckets.set(name, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / perSecond;
  }

  retain(names: ReadonlySet<string>): void {
    for (const name of this.buckets.keys()) if (!names.has(name)) this.buckets.delete(name);
  }
}
