import { Logger } from '@nestjs/common';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff';
import { isRetriableError } from './classify-error';
import { whileHeartbeating } from './group-membership';

export class StopRequested extends Error {}

export interface RetryHooks {
  /** False once the consumer is stopping or the batch is stale (rebalance): give up the batch. */
  keepGoing: () => boolean;
  /** Called while waiting so the group does not consider us dead during an outage. */
  heartbeat: () => Promise<void>;
  onRetry: (err: unknown, attempt: number, delayMs: number) => void;
  onResume?: () => void;
  /** Which failures to wait out (default isRetriableError); the others are thrown at once. */
  retriable?: (err: unknown) => boolean;
}

const HEARTBEAT_SLICE_MS = 1000;

/**
 * Runs `work` until it succeeds or fails with a non-retriable error, heartbeating during each
 * attempt. Between attempts it sleeps
 * with capped, jittered backoff in one-second slices, heartbeating, so a 30 s database outage
 * neither crashes the process nor loses the group membership. Unbounded in attempts on purpose:
 * the data waits in Kafka, and an operator sees md_retries_total climbing.
 */
export async function retryWhileRetriable<T>(work: () => Promise<T>, hooks: RetryHooks, policy: BackoffPolicy, logger: Logger): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      // Heartbeat through the attempt too: a long write must not cost the group membership.
      const result = await whileHeartbeating(hooks.heartbeat, work);
      if (attempt > 0) hooks.onResume?.();
      return result;
    } catch (err) {
      if (!(hooks.retriable ?? isRetriableError)(err)) throw err;
      const delay = backoffDelay(attempt, policy);
      hooks.onRetry(err, attempt, delay);
      logger.warn(`retriable failure (attempt ${attempt + 1}), retrying in ${delay} ms: ${(err as Error).message}`);
      for (let waited = 0; waited < delay; waited += HEARTBEAT_SLICE_MS) {
        if (!hooks.keepGoing()) throw new StopRequested('stopping while waiting to retry');
        await sleep(Math.min(HEARTBEAT_SLICE_MS, delay - waited));
        await hooks.heartbeat().catch(() => undefined);
      }
      if (!hooks.keepGoing()) throw new StopRequested('stopping while waiting to retry');
    }
  }
}
