// A consumer's place in its group, kept through long steps and let go cleanly when lost.

const MEMBERSHIP_LOST = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'NOT_COORDINATOR']);

/**
 * Whether an error says the consumer is no longer (or not now) the owner of its partitions: the
 * coordinator evicted it (a session timeout) or a rebalance is running (Kafka protocol error
 * codes 25, 22, 27, 16). kafkajs wraps them (KafkaJSNonRetriableError with a cause), so the
 * chain is walked.
 */
export function isMembershipLost(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string' && MEMBERSHIP_LOST.has(e.type)) return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}

/**
 * Runs `work` while heartbeating every `everyMs`: a long database write or transform would
 * otherwise outlast the group session (SESSION_TIMEOUT_MS, 6 s in tests), the coordinator would
 * evict the member, and its commit would fail. kafkajs throttles heartbeats to its
 * heartbeatInterval, so calling often is cheap; a failed heartbeat is left to the next one and
 * to the commit, which tells the truth.
 */
export async function whileHeartbeating<T>(heartbeat: () => Promise<void>, work: () => Promise<T>, everyMs = 1000): Promise<T> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
