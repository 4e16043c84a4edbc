import { InvalidRecordError, TransientError } from '@md/contracts';
import { isAuthenticationError, isBrokerOutageError, isFencedError, isRetriableError } from './classify-error';

describe('retriable or not', () => {
  it('follows our own errors', () => {
    expect(isRetriableError(new TransientError('x'))).toBe(true);
    expect(isRetriableError(new InvalidRecordError('x'))).toBe(false);
  });

  it('treats a database that is down as retriable and bad data as not', () => {
    expect(isRetriableError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetriableError(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isRetriableError(Object.assign(new Error('numeric field overflow'), { code: '22003' }))).toBe(false);
    expect(isRetriableError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not retry a configured limit, which fails the same way every time', () => {
    expect(isRetriableError(Object.assign(new Error('out of memory'), { code: '53200' }))).toBe(true);
    expect(isRetriableError(Object.assign(new Error('tuple decompression limit exceeded by operation'), { code: '53400' }))).toBe(false);
  });

  it('uses the retriable flag of kafkajs errors', () => {
    expect(isRetriableError(Object.assign(new Error('leader not available'), { retriable: true }))).toBe(true);
    expect(isRetriableError(Object.assign(new Error('producer fenced'), { retriable: false }))).toBe(false);
  });
});

describe('broker outages and fencing', () => {
  const protocolError = (type: string, code: number, retriable: boolean) => Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, code, retriable });

  it('retries what a broker restart looks like, even where kafkajs says non-retriable', () => {
    expect(isRetriableError(Object.assign(new Error('Failed to find group coordinator'), { name: 'KafkaJSGroupCoordinatorNotFound', retriable: false }))).toBe(true);
    expect(isRetriableError(protocolError('UNKNOWN_MEMBER_ID', 25, false))).toBe(true);
    expect(isBrokerOutageError(protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3, true))).toBe(true);
  });

  it('finds the outage under the wrappers of kafkajs and of retryUntil', () => {
    const cause = Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true });
    const wrapped = Object.assign(new Error('retries exceeded', { cause }), { name: 'KafkaJSNonRetriableError', retriable: false });
    expect(isRetriableError(new Error('creating md.bars.v1: This server does not host this topic-partition', { cause: protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3, true) }))).toBe(true);
    expect(isRetriableError(wrapped)).toBe(true);
  });

  it('never retries a fenced producer, whatever wraps it', () => {
    const fenced = protocolError('INVALID_PRODUCER_EPOCH', 47, false);
    expect(isFencedError(fenced)).toBe(true);
    expect(isFencedError(Object.assign(new Error('Unknown error code 90'), { type: 'KAFKAJS_UNKNOWN_ERROR_CODE', code: -99 }))).toBe(true);
    expect(isFencedError(Object.assign(new Error('Unknown error code 9'), { type: 'KAFKAJS_UNKNOWN_ERROR_CODE', code: -99 }))).toBe(false);
    expect(isRetriableError(Object.assign(new Error('retries exceeded', { cause: fenced }), { name: 'KafkaJSNumberOfRetriesExceeded' }))).toBe(false);
    expect(isFencedError(protocolError('UNKNOWN_MEMBER_ID', 25, false))).toBe(false);
    // An ACL refusal is not fencing (the exit message must not blame a newer instance), and not retried.
    expect(isFencedError(protocolError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 53, false))).toBe(false);
    expect(isRetriableError(protocolError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 53, false))).toBe(false);
  });

  it('waits out a refused login (kafkajs says final) instead of crash-looping, wrapped or not', () => {
    const refused = Object.assign(new Error('SASL SCRAM SHA512 authentication failed: invalid credentials'), { name: 'KafkaJSSASLAuthenticationError', retriable: false });
    expect(isAuthenticationError(refused)).toBe(true);
    expect(isRetriableError(new Error('starting preprocessor: SASL SCRAM SHA512 authentication failed', { cause: refused }))).toBe(true);
    expect(isRetriableError(protocolError('SASL_AUTHENTICATION_FAILED', 58, false))).toBe(true);
    expect(isAuthenticationError(protocolError('TOPIC_AUTHORIZATION_FAILED', 29, false))).toBe(false);
  });
});
