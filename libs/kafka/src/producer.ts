import { Partitioners, type Kafka, type Producer } from 'kafkajs';

// Idempotent producer (KIP-98): the broker drops retried duplicates per partition. kafkajs
// keeps ordering only with one request in flight when idempotent, hence maxInFlightRequests 1.
// The default partitioner is Java-compatible murmur2, so a symbol lands in the same partition
// whichever client produced it. Retries are unbounded (kafkajs warns that a bounded count may
// break the idempotence guarantee); callers await each send, so an outage blocks the caller
// (back-pressure) instead of dropping or reordering records.
const IDEMPOTENT_RETRY = { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 10_000 };

export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: IDEMPOTENT_RETRY,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export function createTransactionalProducer(kafka: Kafka, transactionalId: string): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
