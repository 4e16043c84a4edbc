import { kafkajsLogLevel } from './kafka-log';

// Entries as kafkajs 2.2.4 writes them (network/connection.js, producer/index.js, cluster/brokerPool.js, consumer/index.js).
describe('kafkajs log levels', () => {
  it('writes a retriable error answer of one attempt at debug', () => {
    expect(kafkajsLogLevel(1, 'Response GroupCoordinator(key: 10, version: 2)', { error: 'The group coordinator is not available', correlationId: 8 })).toBe('debug');
    expect(kafkajsLogLevel(1, 'Response Produce(key: 0, version: 7)', { error: 'This server is not the leader for that topic-partition' })).toBe('debug');
    expect(kafkajsLogLevel(1, 'Response AddPartitionsToTxn(key: 24, version: 1)', {
      error: 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
    })).toBe('debug');
  });

  it('writes a retried send or admin call that met a retriable answer at debug', () => {
    expect(kafkajsLogLevel(1, 'Failed to send messages: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing', {
      retryCount: 0, retryTime: 292,
    })).toBe('debug');
    expect(kafkajsLogLevel(2, 'Could not create topics', { error: 'This server is not the leader for that topic-partition', retryCount: 1, retryTime: 500 })).toBe('debug');
  });

  it('keeps a non-retriable error answer at error', () => {
    expect(kafkajsLogLevel(1, 'Response InitProducerId(key: 22, version: 1)', {
      error: 'There is a newer producer with the same transactionalId which fences the current one',
    })).toBe('error');
    expect(kafkajsLogLevel(1, 'Response SaslAuthenticate(key: 36, version: 1)', { error: 'Request is not valid given the current SASL state' })).toBe('error');
  });

  it('writes a CreateTopics answer with per-topic errors at debug: the admin client resolves or rejects it', () => {
    expect(kafkajsLogLevel(1, 'Response CreateTopics(key: 19, version: 3)', { error: 'Topic creation errors', correlationId: 7, size: 146 })).toBe('debug');
    expect(kafkajsLogLevel(1, 'Response DeleteTopics(key: 20, version: 1)', { error: 'Topic creation errors' })).toBe('error');
  });

  it('keeps a crash and a failure without retry information at error', () => {
    expect(kafkajsLogLevel(1, 'Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available', { retryCount: 5, retryTime: 3000 })).toBe('error');
    expect(kafkajsLogLevel(1, 'Failed to execute listener: boom', {})).toBe('error');
  });

  it('writes a rejoin after an eviction, which kafkajs handles, at warn', () => {
    expect(kafkajsLogLevel(1, 'The coordinator is not aware of this member, re-joining the group', { groupId: 'g', memberId: 'm', error: 'The coordinator is not aware of this member' })).toBe('warn');
  });

  it('writes one retried attempt of a connection at warn', () => {
    expect(kafkajsLogLevel(1, 'Failed to connect to broker, reconnecting', { retryCount: 0, retryTime: 254 })).toBe('warn');
  });

  it('drops the idempotence warning for bounded-retry transactional producers to debug, and keeps other warnings', () => {
    expect(kafkajsLogLevel(2, 'Limiting retries for the idempotent producer may invalidate EoS guarantees', {})).toBe('debug');
    expect(kafkajsLogLevel(2, 'KafkaJS v2.0.0 switched default partitioner', {})).toBe('warn');
  });
});
