import fc from 'fast-check';
import { ALPACA_BASIC_BUDGET, TokenBucket, serverRetryAt } from './token-bucket';

/** Most grants in any window of `perMs` (closed), by two pointers over sorted times. */
function busiestWindow(grants: number[], perMs: number): number {
  let most = 0;
  for (let hi = 0, lo = 0; hi < grants.length; hi++) {
    while (grants[hi] - grants[lo] > perMs) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

/** A caller that always waits exactly as long as the bucket says, on a fake clock. */
function greedyGrants(bucket: TokenBucket, clock: { now: number }, count: number): number[] {
  const grants: number[] = [];
  while (grants.length < count) {
    const wait = bucket.take();
    if (wait === 0) grants.push(clock.now);
    else clock.now += wait;
  }
  return grants;
}

describe('token bucket', () => {
  it('lets the burst go at once, then paces to the budget', () => {
    const clock = { now: 0 };
    const bucket = TokenBucket.forBudget(ALPACA_BASIC_BUDGET, () => clock.now);
    const grants = greedyGrants(bucket, clock, 400);
    expect(grants.slice(0, 10).every((t) => t === 0)).toBe(true);
    expect(busiestWindow(grants, 60_000)).toBeLessThanOrEqual(200);
    // 390 paced grants at 190 a minute: just over two minutes.
    expect(grants[399]).toBeGreaterThan(120_000);
    expect(grants[399]).toBeLessThan(124_000);
  });

  it('never grants more than the budget in any window, whatever the call times', () => {
    fc.assert(
      fc.property(
        fc.record({ requests: fc.integer({ min: 2, max: 300 }), perMs: fc.integer({ min: 100, max: 120_000 }) }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 600 }),
        ({ requests, perMs }, gaps) => {
          const clock = { now: 0 };
          const bucket = TokenBucket.forBudget({ requests, perMs, burst: Math.max(1, Math.floor(requests / 10)) }, () => clock.now);
          const grants: number[] = [];
          for (const gap of gaps) {
            clock.now += gap;
            if (bucket.take() === 0) grants.push(clock.now);
          }
          return busiestWindow(grants, perMs) <= requests;
        },
      ),
    );
  });

  it('grants nothing before a server-given time, then resumes', () => {
    const clock = { now: 1_000 };
    const bucket = new TokenBucket(5, 1, () => clock.now);
    bucket.pauseUntil(4_000);
    expect(bucket.take()).toBe(3_000);
    clock.now = 4_000;
    expect(bucket.take()).toBe(0);
  });

  it('keeps the later of two pauses', () => {
    const clock = { now: 0 };
    const bucket = new TokenBucket(5, 1, () => clock.now);
    bucket.pauseUntil(2_000);
    bucket.pauseUntil(1_000);
    expect(bucket.take()).toBe(2_000);
  });

  it('refuses a burst as large as the budget', () => {
    expect(() => TokenBucket.forBudget({ requests: 10, perMs: 1000, burst: 10 })).toThrow(/burst must be smaller/);
  });
});

describe('server retry time', () => {
  const now = Date.UTC(2025, 0, 2, 12);

  it('reads Retry-After in seconds', () => {
    expect(serverRetryAt({ retryAfter: '3' }, now)).toBe(now + 3_000);
  });

  it('reads Retry-After as an HTTP-date', () => {
    expect(serverRetryAt({ retryAfter: 'Thu, 02 Jan 2025 12:00:05 GMT' }, now)).toBe(now + 5_000);
  });

  it('falls back to X-RateLimit-Reset in epoch seconds', () => {
    expect(serverRetryAt({ rateLimitReset: String(now / 1000 + 7) }, now)).toBe(now + 7_000);
  });

  it('says nothing when the server said nothing usable', () => {
    expect(serverRetryAt({ retryAfter: 'soon', rateLimitReset: null }, now)).toBeUndefined();
  });
});
