import { errorCodes } from 'kafkajs/src/protocol/error';

export type LogLevelName = 'error' | 'warn' | 'log' | 'debug';

// kafkajs logs every error answer of every attempt at ERROR before its retrier tries again
// (network/connection.js: `Response <Api>(key, version)` with the protocol error's message), so a
// normal start, when a new group's coordinator or a new partition's leader is still being
// elected, printed ERROR lines for answers that were retried and succeeded. The answers the
// Kafka protocol marks retriable (kafkajs' table, which also counts CONCURRENT_TRANSACTIONS as
// the broker expects) are attempts, not failures: debug. A failure that outlasts the retry
// budget still reaches the caller as KafkaJSNumberOfRetriesExceeded and is logged there.
const RETRIABLE_ANSWERS = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));

// kafkajs warns on any idempotent producer with a bounded retry count. Our idempotent producers
// retry without bound (producer.ts); the bounded ones are transactional, where a send that gives
// up aborts the transaction and the stage re-runs the chunk from its committed state, so
// exactly-once holds and the warning does not apply.
const NOT_APPLICABLE = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

// kafkajs handling a lost group membership itself (consumer/runner.js): the member was evicted
// (a session timeout) and rejoins; the chunk it held is read again. Worth a warning, not an error.
const HANDLED = new Set(['The coordinator is not aware of this member, re-joining the group']);

// A CreateTopics answer with per-topic errors (protocol/requests/createTopics/v0/response.js).
// When services start together, two of them create the same topic and one meets
// TOPIC_ALREADY_EXISTS, which admin.createTopics resolves to `false` (admin/index.js); any other
// per-topic error rejects the call, and ensureTopics' caller fails loudly with it. The connection
// logs the answer before the admin client has looked inside it, so it is not the failure itself.
const AGGREGATE_ANSWERS = new Set(['Topic creation errors']);

const LEVELS: Record<number, LogLevelName> = { 1: 'error', 2: 'warn', 4: 'log', 5: 'debug' };

/** The level a kafkajs log entry is written at in our log (kafkajs levels: 1 error, 2 warn, 4 info, 5 debug). */
export function kafkajsLogLevel(level: number, message: string, extra: Record<string, unknown>): LogLevelName {
  if (NOT_APPLICABLE.has(message)) return 'debug';
  if (HANDLED.has(message)) return 'warn';
  // One attempt of a call kafkajs retries ("Failed to send messages: …", "Could not create topics",
  // "Failed to connect to broker, reconnecting") carries retryCount; a crash or restart is no attempt.
  const attempt = typeof extra.retryCount === 'number' && !/^(Crash|Restarting)/.test(message);
  const answer = typeof extra.error === 'string' ? extra.error : message.replace(/^Failed to send messages: /, '');
  if ((message.startsWith('Response ') || attempt) && RETRIABLE_ANSWERS.has(answer)) return 'debug';
  if (message.startsWith('Response CreateTopics(') && AGGREGATE_ANSWERS.has(answer)) return 'debug';
  if (attempt && level === 1) return 'warn';
  return LEVELS[level] ?? 'debug';
}
