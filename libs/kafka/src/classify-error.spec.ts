import { InvalidRecordError, TransientError } from '@md/contracts';
import { isRetriableError } from './classify-error';

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
