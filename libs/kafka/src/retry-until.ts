import { backoffDelay, sleep, type BackoffPolicy } from './backoff';
import { isRetriableError } from './classify-error';

/**
 * Runs `work` again on retriable failures until it succeeds or `deadlineMs` passes, then throws
 * the last error with `what` in front. For admin calls that race the broker right after a
 * topic is created: KRaft answers NOT_LEADER_OR_FOLLOWER (retriable, KIP-392) for a few hundred
 * milliseconds until the partition's leader is in the metadata every broker serves.
 */
export async function retryUntil<T>(
  what: string,
  work: () => Promise<T>,
  deadlineMs = 30_000,
  policy: BackoffPolicy = { initialMs: 100, maxMs: 2_000 },
): Promise<T> {
  const giveUpAt = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const left = giveUpAt - Date.now();
      if (!isRetriableError(err) || left <= 0) {
        throw new Error(`${what}: ${(err as Error).message} (after ${attempt + 1} attempt(s))`, { cause: err });
      }
      await sleep(Math.min(left, Math.max(50, backoffDelay(attempt, policy))));
    }
  }
}
