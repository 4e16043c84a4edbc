import { MdError } from '@md/contracts';

/**
 * Retriable or not, for any error a stage can meet. Our own errors say so themselves; kafkajs
 * errors carry `retriable`; database and network failures that mean "dependency down" are
 * retriable (PostgreSQL SQLSTATE classes 08 connection, 53 resources, 57 operator intervention,
 * 40 serialization), everything else is a property of the data and is not.
 */
export function isRetriableError(err: unknown): boolean {
  if (err instanceof MdError) return err.retriable;
  const e = err as { retriable?: boolean; code?: string; name?: string; message?: string } | undefined;
  if (!e) return false;
  if (isFencedError(err)) return false;
  if (isBrokerOutageError(err) || isAuthenticationError(err)) return true;
  if (typeof e.retriable === 'boolean') return e.retriable;
  if (typeof e.code === 'string') {
    if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH)$/.test(e.code)) return true;
    // 53400 configuration_limit_exceeded (e.g. TimescaleDB's decompression limit) fails the same
    // way on every attempt: not a dependency being down, so not retried.
    if (e.code === '53400') return false;
    if (/^(08|53|57|40)/.test(e.code)) return true;
  }
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message ?? '');
}

/**
 * Whether a non-retriable error belongs to the record (dead-letter it) or to the system (stop:
 * a missing table, a licence or permission problem, a bug). Only the first may be dead-lettered;
 * dead-lettering every row because the database is misconfigured would empty the pipeline into
 * md.dlq.v1. Record errors: our InvalidRecordError, and PostgreSQL SQLSTATE classes 22 (data
 * exception) and 23 (integrity constraint violation).
 */
export function isRecordError(err: unknown): boolean {
  if (err instanceof MdError) return !err.retriable;
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(22|23)/.test(code);
}

type ErrorChain = { name?: string; type?: string; code?: unknown; cause?: unknown; originalError?: unknown; message?: string } | undefined;

/** Whether any error in the chain (`cause`, kafkajs' `originalError`) matches; kafkajs and our retry helpers wrap. */
function anyInChain(err: unknown, test: (e: NonNullable<ErrorChain>) => boolean): boolean {
  for (let e = err as ErrorChain, depth = 0; e && depth < 6; depth++) {
    if (test(e)) return true;
    e = (e.cause ?? e.originalError) as ErrorChain;
  }
  return false;
}

// Kafka protocol errors that mean "another producer owns this transactional id now" (KIP-98):
// INVALID_PRODUCER_EPOCH (47), PRODUCER_FENCED (90, KIP-588; kafkajs 2.2.4 has no name for it and
// the old request versions it speaks get 47 instead). TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53) is
// an ACL problem, not fencing: kafkajs marks it final and the stage exits saying so in its own words.
const FENCED_TYPES = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']);
// kafkajs turns a code it does not know into type KAFKAJS_UNKNOWN_ERROR_CODE, code -99, keeping the code only in the message.
const isUnknownFencedCode = (e: { type?: string; message?: string }) => e.type === 'KAFKAJS_UNKNOWN_ERROR_CODE' && /\bUnknown error code 90\b/.test(e.message ?? '');

/**
 * A fenced transactional producer: a newer instance with the same TRANSACTIONAL_ID took over.
 * Never retried and never answered with a fresh producer (that would fence the new instance in
 * turn): the process exits at once, which is what zombie fencing relies on.
 */
export function isFencedError(err: unknown): boolean {
  return anyInChain(err, (e) => (typeof e.type === 'string' && FENCED_TYPES.has(e.type)) || isUnknownFencedCode(e));
}

// What a broker restart or a coordinator move looks like to kafkajs. Some of these it marks
// non-retriable (KafkaJSGroupCoordinatorNotFound; UNKNOWN_MEMBER_ID, code 25, after the restarted
// coordinator forgot the member), which ends its consumer with `restart: false`; all of them clear
// once the broker is back and the group is joined again. Protocol codes: 3, 5, 6, 14, 15, 16, 22,
// 25, 27, 51.
const OUTAGE_NAMES = new Set([
  'KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSGroupCoordinatorNotFound', 'KafkaJSBrokerNotFound', 'KafkaJSMetadataNotLoaded', 'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment', 'KafkaJSNoBrokerAvailableError', 'KafkaJSLockTimeout',
]);
const OUTAGE_TYPES = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER',
  'COORDINATOR_LOAD_IN_PROGRESS', 'GROUP_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS',
  'CONCURRENT_TRANSACTIONS', 'REQUEST_TIMED_OUT', 'NETWORK_EXCEPTION', 'KAFKA_STORAGE_ERROR',
]);

/** An error that says the broker (or the group or transaction coordinator on it) is away for now, not that anything is wrong with us. */
export function isBrokerOutageError(err: unknown): boolean {
  if (isFencedError(err)) return false;
  return anyInChain(err, (e) => (typeof e.name === 'string' && OUTAGE_NAMES.has(e.name)) || (typeof e.type === 'string' && OUTAGE_TYPES.has(e.type)));
}

// A refused login (SASL, RFC 4422: a wrong or rotated password, a user not yet created on the
// broker). kafkajs marks it final, and a process that exits on it crash-loops under its
// supervisor while the secret is being fixed. It is waited out like an outage instead: /ready
// 503, kafkajs' own ERROR line on each attempt says why, and the stage exits only past the
// outage budget (KAFKA_OUTAGE_BUDGET_SECONDS). Protocol codes 58 and 34 (KIP-152, KIP-43).
const AUTHENTICATION_NAMES = new Set(['KafkaJSSASLAuthenticationError']);
const AUTHENTICATION_TYPES = new Set(['SASL_AUTHENTICATION_FAILED', 'ILLEGAL_SASL_STATE']);

/** The broker refused our credentials. */
export function isAuthenticationError(err: unknown): boolean {
  return anyInChain(err, (e) => (typeof e.name === 'string' && AUTHENTICATION_NAMES.has(e.name)) || (typeof e.type === 'string' && AUTHENTICATION_TYPES.has(e.type)));
}
