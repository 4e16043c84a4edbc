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
